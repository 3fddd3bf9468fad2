"""The one view behind samtycke's included URLs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from samtycke.contrib.django import consent_service
from samtycke.contrib.inprocess import Asked


# The banner posts JSON without Django's CSRF token; the consent path checks the
# Origin against the site's domains instead, and a consent is no state change
# an attacker gains from (it is the visitor's own choice, stored as proof).
@csrf_exempt  # type: ignore[untyped-decorator]  # Django ships no type hints
def samtycke_view(request: HttpRequest, rest: str) -> HttpResponse:
    """Answer one request under samtycke's prefix through the consent service."""
    prefix = request.path[: len(request.path) - len(rest)].rstrip("/")
    asked = Asked(
        method=request.method or "GET",
        prefix=prefix,
        path=rest,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.body if request.method == "POST" else b"",
        client=request.META.get("REMOTE_ADDR"),
    )
    answer = consent_service().respond_sync(asked)
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    for name, value in answer.headers.items():
        response[name] = value
    return response
