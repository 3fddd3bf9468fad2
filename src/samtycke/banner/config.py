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
    gpc: bool = False,
) -> dict[str, Any]:
    """The JSON-ready banner config of ``decl``.

    ``endpoint`` is where decisions are POSTed (``None``: the declaration's
    ``[banner] endpoint``, and with neither the banner sends nothing).
    ``policy_url`` may contain ``{lang}``; a relative URL is resolved against
    the URL ``samtycke.js`` was loaded from (default ``/cookies/{lang}``).
    ``purposes=False`` leaves out each cookie's purpose texts, which are most of
    the size; the settings layer then lists the cookies without them and the
    policy page, one link away, has them. ``gpc=True`` tells the banner that
    the request for it carried ``Sec-GPC: 1`` (see contract.BannerConfig.gpc).
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
        "consent_mode": {
            "regions": [
                {"region": list(r.regions), "granted": list(r.granted)}
                for r in decl.banner.consent_mode.regions
            ],
            "ads_data_redaction": decl.banner.consent_mode.ads_data_redaction,
            "url_passthrough": decl.banner.consent_mode.url_passthrough,
        },
        "uet": decl.banner.microsoft_uet,
        "clarity": decl.banner.clarity,
        "theme": {
            "vars": decl.banner.theme.css_vars(),
            "position": decl.banner.theme.position,
            "logo": decl.banner.theme.logo,
        },
        "wait_for_update": decl.banner.wait_for_update,
        "settings_button": decl.banner.settings_button,
        "endpoint": endpoint if endpoint is not None else decl.banner.endpoint,
        "policy_url": policy_url or site.policy_url or DEFAULT_POLICY_URL,
        "categories": [
            {
                "id": cat.id,
                "refusable": cat.refusable,
                "label": texts(cat.label),
                "name": {lang: running_label(cat.label.get(lang), lang) for lang in langs},
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
                        "provider": decl.provider_of(c),
                        "third_party": not decl.is_first_party(c.domain),
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
        **({"gpc": True} if gpc else {}),
    }


def ui_texts(decl: Declaration, lang: str) -> dict[str, str]:
    """The banner texts of ``lang``: the catalog's, overridden by ``[banner.texts.<lang>]``,
    with the site's name, purposes, days, third parties and lifetimes filled in."""
    texts = {**locales.section(lang, "banner"), **decl.banner.text_overrides(lang)}
    purposes = [running_label(c.label.get(lang), lang) for c in decl.categories if c.refusable]
    providers = third_parties(decl)
    fill = {
        "{site}": decl.site.name,
        "{purposes}": ", ".join(purposes),
        "{days}": str(decl.site.consent_days),
        # Texts that point to the settings control name it by its real label.
        "{reopen}": texts["reopen"],
        "{n}": str(len(providers)),
        "{providers}": ", ".join(providers),
        "{longest}": _longest(decl, lang),
    }
    texts["parties"] = texts["parties"] if providers else ""
    texts["lifetimes"] = texts[_lifetimes_key(decl)]
    out: dict[str, str] = {}
    for key, template in texts.items():
        # Plain replacement, not str.format: a site name may contain braces.
        for mark, value in fill.items():
            template = template.replace(mark, value)
        out[key] = template
    out["language_name"] = locales.text(lang, "language.name")
    return out


def running_label(label: str, lang: str) -> str:
    """A category label as written inside a sentence: "marketing", but German "Marketing".

    A label whose second letter is upper case is an acronym ("CRM") and stays as it is.
    """
    if locales.text(lang, "language.running_labels") != "lower" or label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def third_parties(decl: Declaration) -> list[str]:
    """The other companies that receive data with consent: providers of refusable services."""
    refusable = {c.id for c in decl.categories if c.refusable}
    out: list[str] = []
    for s in decl.services:
        if s.category in refusable and s.provider != decl.site.controller and s.provider not in out:
            out.append(s.provider)
    return out


def _lifetimes_key(decl: Declaration) -> str:
    kinds = {c.expires.kind for c in decl.cookies}
    if "persistent" in kinds:
        return "lifetimes_persistent"
    return "lifetimes" if "duration" in kinds else "lifetimes_session"


def _longest(decl: Declaration, lang: str) -> str:
    timed = [c.expires for c in decl.cookies if c.expires.seconds is not None]
    return expiry_text(max(timed, key=lambda e: e.seconds or 0), lang) if timed else ""


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
