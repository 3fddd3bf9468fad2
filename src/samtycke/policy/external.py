"""The policy's section on pages run by other companies (``[[external_pages]]``)."""

from __future__ import annotations

from functools import partial

from samtycke import locales
from samtycke.declaration import Declaration
from samtycke.declaration.external import ExternalPage
from samtycke.policy.model import Items, Line, Link, Paragraph, Section, Text, fill, merge


def external_sections(decl: Declaration, lang: str) -> tuple[Section, ...]:
    """The section listing the pages others run, or nothing when there are none."""
    if not decl.external_pages:
        return ()
    t = partial(locales.text, lang)
    items = tuple(_page_item(page, lang) for page in decl.external_pages)
    return (
        Section(
            "samtycke-external",
            t("external.heading"),
            (Paragraph((Text(t("external.intro")),)), Items(items)),
        ),
    )


def _page_item(page: ExternalPage, lang: str) -> Line:
    t = partial(locales.text, lang)
    who = {"provider": page.provider}
    consent = "external.by_provider" if page.consent_by == "provider" else "external.by_site"
    link = Link(t("external.policy_link"), page.privacy_policy)
    parts = [
        *fill(
            t("external.item"),
            {**who, "page": page.name.get(lang), "url": Link(page.url, page.url)},
        ),
        Text(" "),
        *fill(t(consent), who),
        Text(" "),
        *fill(t("external.policy"), {**who, "link": link}),
    ]
    return merge(parts)
