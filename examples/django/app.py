"""A one-file Django project whose cookies obey the visitor's consent.

Run: ``cd examples/django && python app.py runserver 8000`` and open http://127.0.0.1:8000/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.csrf import ensure_csrf_cookie

from samtycke.banner import build_script
from samtycke.declaration import load_declaration

HERE = Path(__file__).resolve().parent

if not settings.configured:
    settings.configure(
        DEBUG=True,
        SECRET_KEY="example-only-not-secret",
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["samtycke.contrib.django_app"],
        MIDDLEWARE=[
            # First, so it sees every cookie the layers below set.
            "samtycke.contrib.django.ConsentMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        SAMTYCKE={"DECLARATION": HERE / "samtycke.toml", "BANNER_SRC": "/samtycke.js"},
    )

PAGE = """{% load samtycke %}<!doctype html><html><head><title>Django + samtycke</title>
{% samtycke_script %}</head><body>
<p>analytics allowed: {{ request|consent_allows:"analytics" }} (from {{ request.consent.source }})</p>
<button data-samtycke-action="settings">Cookie settings</button></body></html>"""
SCRIPT = build_script(load_declaration(HERE / "samtycke.toml"))


def banner(request: HttpRequest) -> HttpResponse:
    """The banner engine with this site's config."""
    return HttpResponse(SCRIPT, content_type="text/javascript")


@ensure_csrf_cookie
def home(request: HttpRequest) -> HttpResponse:
    """Sets one cookie per category; the middleware strips those not consented."""
    response = HttpResponse(engines["django"].from_string(PAGE).render({"request": request}))
    response.set_cookie("sessionid", "s3ss10n", httponly=True)
    response.set_cookie("ab_variant", "b", max_age=30 * 86400)
    response.set_cookie("_ga", "GA1.1.42.1700000000", max_age=730 * 86400)
    return response


urlpatterns = [path("", home), path("samtycke.js", banner)]

if __name__ == "__main__":
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    execute_from_command_line(sys.argv)
