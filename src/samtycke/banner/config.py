"""The banner config: everything the browser banner needs to know about one site.

The same dictionary is embedded into ``samtycke.js`` by :func:`build_script` and
returned by ``GET /v1/sites/{site}``. Texts are resolved here, per declared
language (fallbacks applied), so the browser only looks them up.
"""

from __future__ import annotations

from typing import Any

from samtycke import locales
from samtycke.declaration import Declaration, Expiry, LocalText, fingerprint
from samtycke.errors import LocaleError

DEFAULT_POLICY_URL = "/cookies/{lang}"


def banner_config(
    decl: Declaration,
    endpoint: str | None = None,
    policy_url: str | None = None,
    *,
    purposes: bool = True,
) -> dict[str, Any]:
    """The JSON-ready banner config of ``decl``.

    ``endpoint`` is where decisions are POSTed (``None``: the declaration's
    ``[banner] endpoint``, and with neither the banner sends nothing).
    ``policy_url`` may contain ``{lang}``; a relative URL is resolved against
    the URL ``samtycke.js`` was loaded from (default ``/cookies/{lang}``).
    ``purposes=False`` leaves out each cookie's purpose texts, which are most of
    the size; the settings layer then lists the cookies without them and the
    policy page, one link away, has them.
    """
    site = decl.site
    langs = site.languages

    def texts(t: LocalText | None) -> dict[str, str]:
        return {lang: t.get(lang) for lang in langs} if t else dict.fromkeys(langs, "")

    return {
        "site": site.id,
        "name": site.name,
        "revision": site.revision,
        "fingerprint": fingerprint(decl),
        "consent_days": site.consent_days,
        "languages": list(langs),
        "domains": list(site.domains),
        "shared_domains": list(decl.shared_consent),
        "do_not_track": site.do_not_track,
        "global_privacy_control": site.global_privacy_control,
        "google_consent_mode": site.google_consent_mode,
        "wait_for_update": decl.banner.wait_for_update,
        "settings_button": decl.banner.settings_button,
        "endpoint": endpoint if endpoint is not None else decl.banner.endpoint,
        "policy_url": policy_url or site.policy_url or DEFAULT_POLICY_URL,
        "categories": [
            {
                "id": cat.id,
                "refusable": cat.refusable,
                "label": texts(cat.label),
                "description": texts(cat.description),
                "services": [
                    {"id": s.id, "name": s.name, "provider": s.provider}
                    for s in decl.services_in(cat.id)
                ],
                "cookies": [
                    {
                        "name": c.name,
                        "domain": c.domain,
                        "service": c.service,
                        "expires": {lang: expiry_text(c.expires, lang) for lang in langs},
                        **({"purpose": texts(c.purpose)} if purposes else {}),
                    }
                    for c in decl.cookies_in(cat.id)
                ],
                "storage": [
                    {"name": s.name, "kind": s.kind, "service": s.service}
                    for s in decl.storage_in(cat.id)
                ],
            }
            for cat in decl.categories
        ],
        "texts": {lang: ui_texts(decl, lang) for lang in langs},
    }


def ui_texts(decl: Declaration, lang: str) -> dict[str, str]:
    """The ``[banner]`` texts of ``lang`` with the site's name, purposes and days filled in."""
    purposes = ", ".join(c.label.get(lang) for c in decl.categories if c.refusable)
    fill = {
        "{site}": decl.site.name,
        "{purposes}": purposes,
        "{days}": str(decl.site.consent_days),
    }
    out: dict[str, str] = {}
    for key, template in locales.section(lang, "banner").items():
        # Plain replacement, not str.format: a site name may contain braces.
        for mark, value in fill.items():
            template = template.replace(mark, value)
        out[key] = template
    out["language_name"] = locales.text(lang, "language.name")
    return out


def expiry_text(expiry: Expiry, lang: str) -> str:
    """How long a cookie lives, in ``lang``, from the shared ``[expiry]`` locale table."""
    if expiry.kind != "duration":
        return _localized(lang, f"expiry.{expiry.kind}", expiry.kind)
    form = "one" if expiry.amount == 1 else "other"
    return _localized(lang, f"expiry.{expiry.unit}_{form}", str(expiry), n=expiry.amount)


def _localized(lang: str, key: str, fallback: str, n: int = 0) -> str:
    try:
        template = locales.text(lang, key)
    except LocaleError:
        return fallback  # the [expiry] table is not in this catalog (yet)
    return template.replace("{n}", str(n))
