"""samtycke's URLs for ``include()``: banner, consent endpoint, policy pages.

``path("samtycke/", include("samtycke.contrib.django_app.urls"))`` serves
``samtycke/samtycke.js``, ``POST samtycke/v1/consents`` (recorded in the ledger
of ``SAMTYCKE["DB"]``) and ``samtycke/cookies/<lang>``, all from the app's own
process; see :mod:`samtycke.contrib.inprocess`.
"""

from __future__ import annotations

from django.urls import re_path

from samtycke.contrib.django_app.views import samtycke_view

app_name = "samtycke"
urlpatterns = [re_path(r"^(?P<rest>.*)\Z", samtycke_view, name="asset")]
