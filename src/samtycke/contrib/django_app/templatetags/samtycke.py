"""``{% load samtycke %}``: include the banner and ask about consent in templates.

- ``{% samtycke_script %}`` renders ``<script src="…/samtycke.js" defer>``, with
  the request's CSP nonce (``request.csp_nonce``) when there is one; nothing
  when ``SAMTYCKE["INJECT"]`` is on, since the middleware inserts the script.
- ``{% if request|consent_allows:"analytics" %}…{% endif %}`` tests the consent
  the middleware put on the request.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from samtycke.contrib.django import banner_src, request_nonce, samtycke_settings
from samtycke.enforce.inject import script_tag

register = template.Library()


def samtycke_script(context: dict[str, Any]) -> SafeString:
    """The banner's ``<script>`` element (escaped URL, nonce from the request)."""
    if samtycke_settings().inject:
        return mark_safe("")  # one banner: the middleware inserts it
    tag = script_tag(banner_src(), request_nonce(context.get("request")))
    return mark_safe(tag.decode())  # built by script_tag, which escapes every attribute


def consent_allows(request: Any, category: str) -> bool:
    """True when the request's consent allows ``category`` (False without the middleware)."""
    consent = getattr(request, "consent", None)
    return bool(consent is not None and consent.allows(category))


# Registered by call, not decorator: Django ships no type hints.
register.simple_tag(samtycke_script, takes_context=True)
register.filter("consent_allows", consent_allows)
