"""Server-side consent enforcement for Python web apps.

``ConsentMiddleware`` (ASGI) and ``WSGIConsentMiddleware`` (WSGI) read the
``samtycke`` consent cookie and the ``Sec-GPC``/``DNT`` signals, tell the app
what the person agreed to (``.allows("analytics")``) and strip ``Set-Cookie``
headers of cookies they did not agree to. Django and Flask adapters live in
``samtycke.contrib``. The cookie codec is the one in :mod:`samtycke.consent`.
"""

from samtycke.consent import ConsentState, decode_consent_cookie, encode_consent_cookie
from samtycke.enforce.asgi import ConsentMiddleware
from samtycke.enforce.effective import EffectiveConsent
from samtycke.enforce.enforcer import Enforcer
from samtycke.enforce.inject import HtmlInjector, csp_nonce, script_tag
from samtycke.enforce.rules import declaration_snippet
from samtycke.enforce.wsgi import WSGIConsentMiddleware

__all__ = [
    "ConsentMiddleware",
    "ConsentState",
    "EffectiveConsent",
    "Enforcer",
    "HtmlInjector",
    "WSGIConsentMiddleware",
    "csp_nonce",
    "declaration_snippet",
    "decode_consent_cookie",
    "encode_consent_cookie",
    "script_tag",
]
