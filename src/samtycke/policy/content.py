"""What the cookie policy says, in one language: the page as a document tree.

The order follows what the seed policies explain: what cookies are, how long
they live, why each category is used, first and third parties, how long a
choice is kept, Do Not Track and GPC, changing consent, deleting cookies, who
is responsible, changes to the policy, and then the cookie tables.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from samtycke import locales
from samtycke.declaration import Category, Cookie, Declaration, Service, fingerprint
from samtycke.policy.email import email_sections
from samtycke.policy.external import external_sections
from samtycke.policy.model import (
    Block,
    Button,
    Code,
    Date,
    Inline,
    Items,
    Line,
    Link,
    Page,
    Paragraph,
    Section,
    Table,
    Text,
    contact_inline,
    fill,
    linkify,
    merge,
    safe_href,
)

# The browsers' own help pages on deleting cookies; Google's takes a language.
_BROWSERS: tuple[tuple[str, str], ...] = (
    ("Chrome", "https://support.google.com/chrome/answer/95647?hl={hl}"),
    ("Firefox", "https://support.mozilla.org/kb/clear-cookies-and-site-data-firefox"),
    ("Safari", "https://support.apple.com/guide/safari/manage-cookies-sfri11471/mac"),
    (
        "Edge",
        "https://support.microsoft.com/microsoft-edge/"
        "delete-cookies-in-microsoft-edge-63947406-40ac-c3b8-57b9-2a946a29ae09",
    ),
)
_GOOGLE_HL = {"nb": "no"}


def policy_date(decl: Declaration, updated: dt.date | None) -> dt.date:
    """The date the policy states: ``updated``, else ``[site] updated``, else today."""
    return updated or decl.site.updated or dt.date.today()


def build_page(decl: Declaration, lang: str, updated: dt.date | None = None) -> Page:
    """The whole policy of ``decl`` in ``lang`` as a :class:`Page`."""
    t = partial(locales.text, lang)
    site = decl.site

    def para(key: str, **values: str | Inline) -> Paragraph:
        return Paragraph(fill(t(f"policy.{key}"), values))

    sections = (
        Section(
            "samtycke-what",
            t("policy.what_heading"),
            (para("what_body"), para("similar_body")),
        ),
        Section(
            "samtycke-lifetime",
            t("policy.lifetime_heading"),
            (para("session_body"), para("persistent_body")),
        ),
        Section(
            "samtycke-categories",
            t("policy.categories_heading"),
            (para("categories_intro"),),
            tuple(_category_section(c, lang) for c in decl.categories),
        ),
        Section(
            "samtycke-parties",
            t("policy.parties_heading"),
            (
                para("first_party_body", domains=", ".join(site.domains)),
                para("third_party_body"),
                _services_block(decl, lang),
            ),
        ),
        *external_sections(decl, lang),
        *email_sections(decl, lang),
        Section(
            "samtycke-consent",
            t("policy.consent_heading"),
            (para("consent_body", days=str(site.consent_days)),),
        ),
        Section("samtycke-signals", t("policy.signals_heading"), _signal_blocks(decl, lang)),
        Section(
            "samtycke-change",
            t("policy.change_heading"),
            (para("change_body"), Button(t("policy.settings_button"), "settings")),
        ),
        Section(
            "samtycke-delete",
            t("policy.delete_heading"),
            (para("delete_body"), _browser_list(lang)),
        ),
        Section(
            "samtycke-controller", t("policy.controller_heading"), _controller_blocks(decl, lang)
        ),
        Section(
            "samtycke-changes",
            t("policy.changes_heading"),
            (_changes_paragraph(decl, lang, policy_date(decl, updated)),),
        ),
        Section(
            "samtycke-cookies",
            t("policy.cookies_heading"),
            (para("cookies_intro", site=site.name),),
            _table_sections(decl, lang),
        ),
    )
    return Page(
        lang=lang,
        title=t("policy.title", site=site.name),
        heading=t("policy.heading"),
        intro=(para("intro", site=site.name), *_other_languages(decl, lang)),
        sections=sections,
        revision=site.revision,
        fingerprint=fingerprint(decl),
    )


def _other_languages(decl: Declaration, lang: str) -> tuple[Block, ...]:
    """Links to the policy in the site's other languages, when its URL names the language."""
    url = decl.site.policy_url
    others = [code for code in decl.site.languages if code != lang]
    if not url or "{lang}" not in url or not others:
        return ()
    parts: list[Inline] = [Text(locales.text(lang, "policy.other_languages") + " ")]
    for i, code in enumerate(others):
        href = url.replace("{lang}", code)
        if not safe_href(href):
            return ()
        if i:
            parts.append(Text(" · "))
        parts.append(Link(locales.text(code, "language.name"), href, lang=code))
    return (Paragraph(tuple(parts)),)


def _category_section(category: Category, lang: str) -> Section:
    note = "policy.needs_consent" if category.refusable else "policy.always_on"
    return Section(
        f"samtycke-category-{category.id}",
        category.label.get(lang),
        (
            Paragraph((Text(category.description.get(lang)),)),
            Paragraph((Text(locales.text(lang, note)),)),
        ),
    )


def _services_block(decl: Declaration, lang: str) -> Block:
    if not decl.services:
        return Paragraph((Text(locales.text(lang, "policy.no_services")),))
    return Items(tuple(_service_item(s, lang) for s in decl.services))


def _service_item(service: Service, lang: str) -> Line:
    link = (
        Link(locales.text(lang, "policy.policy_link"), service.privacy_policy)
        if service.privacy_policy
        else None
    )
    if service.name == service.provider:
        # "InZynk from InZynk" says nothing twice; the name alone is enough.
        template = "{service}: {policy}" if link else "{service}"
    else:
        key = "policy.service_item" if link else "policy.service_item_nolink"
        template = locales.text(lang, key)
    line = fill(template, _drop_none(service=service.name, provider=service.provider, policy=link))
    if service.purpose:
        line = (*line, Text(" – "), *linkify(service.purpose.get(lang)))
    return line


def _drop_none(**values: str | Inline | None) -> dict[str, str | Inline]:
    return {k: v for k, v in values.items() if v is not None}


def _signal_blocks(decl: Declaration, lang: str) -> tuple[Block, ...]:
    dnt = _signal_key("dnt", decl.site.do_not_track)
    gpc = _signal_key("gpc", decl.site.global_privacy_control)
    return tuple(Paragraph((Text(locales.text(lang, f"policy.{k}")),)) for k in (dnt, gpc))


def _browser_list(lang: str) -> Items:
    hl = _GOOGLE_HL.get(lang, lang)
    return Items(
        tuple(
            (Link(locales.text(lang, "policy.browser_help", browser=name), url.format(hl=hl)),)
            for name, url in _BROWSERS
        )
    )


def _controller_blocks(decl: Declaration, lang: str) -> tuple[Block, ...]:
    site = decl.site
    t = partial(locales.text, lang)
    blocks: list[Block] = [
        Paragraph(fill(t("policy.controller_body"), {"controller": site.controller})),
        Paragraph(fill(t("policy.contact_body"), {"contact": contact_inline(site.contact)})),
    ]
    if site.privacy_policy:
        link = Link(t("policy.privacy_link"), site.privacy_policy)
        blocks.append(Paragraph(fill(t("policy.privacy_body"), {"link": link})))
    return tuple(blocks)


def _changes_paragraph(decl: Declaration, lang: str, day: dt.date) -> Paragraph:
    date = Date(locales.format_date(day, lang), day.isoformat())
    template = locales.text(lang, "policy.changes_body")
    return Paragraph(fill(template, {"revision": str(decl.site.revision), "date": date}))


def _table_sections(decl: Declaration, lang: str) -> tuple[Section, ...]:
    t = partial(locales.text, lang)
    headers = (
        t("table.name"),
        t("table.provider"),
        t("table.belongs_to"),
        t("table.expires"),
        t("table.purpose"),
    )
    sections: list[Section] = []
    for category in decl.categories:
        label = category.label.get(lang)
        cookies = decl.cookies_in(category.id)
        block: Block
        if cookies:
            rows = tuple(
                (
                    (Code(c.name),),
                    (Text(decl.provider_of(c)),),
                    _belongs_to(decl, c.domain, lang),
                    (Text(locales.format_expiry(c.expires, lang)),),
                    _purpose(c, lang),
                )
                for c in cookies
            )
            block = Table(t("table.caption", category=label), headers, rows)
        else:
            block = Paragraph((Text(t("policy.category_empty")),))
        sections.append(Section(f"samtycke-cookies-{category.id}", label, (block,)))
    if decl.storage:
        sections.append(_storage_section(decl, lang))
    return tuple(sections)


def _purpose(cookie: Cookie, lang: str) -> Line:
    """What the cookie is for and, for a necessary one that needs it, why it is necessary."""
    line = linkify(cookie.purpose.get(lang))
    if not cookie.justification:
        return line
    label = Text(f" {locales.text(lang, 'table.justification')}: ")
    return merge([*line, label, *linkify(cookie.justification.get(lang))])


def _belongs_to(decl: Declaration, domain: str, lang: str) -> Line:
    if decl.is_first_party(domain):
        return (Text(domain),)
    return (Text(f"{domain} ({locales.text(lang, 'table.third_party')})"),)


def _storage_section(decl: Declaration, lang: str) -> Section:
    t = partial(locales.text, lang)
    headers = (
        t("table.name"),
        t("table.kind"),
        t("table.category"),
        t("table.expires"),
        t("table.purpose"),
    )
    rows = []
    for s in decl.storage:
        kind = t("table.local_storage" if s.kind == "localStorage" else "table.session_storage")
        if s.expires is not None:
            expires = locales.format_expiry(s.expires, lang)
        else:
            # Without a declared lifetime the browser's own rule applies:
            # sessionStorage ends with the tab, localStorage stays until deleted.
            kind_key = "session" if s.kind == "sessionStorage" else "persistent"
            expires = t(f"expiry.{kind_key}")
        rows.append(
            (
                (Code(s.name),),
                (Text(f"{kind} ({s.kind})"),),
                (Text(decl.category(s.category).label.get(lang)),),
                (Text(expires),),
                linkify(s.purpose.get(lang)),
            )
        )
    return Section(
        "samtycke-storage",
        t("policy.storage_heading"),
        (
            Paragraph((Text(t("policy.storage_intro")),)),
            Table(t("table.storage_caption"), headers, tuple(rows)),
        ),
    )


def _signal_key(signal: str, mode: str) -> str:
    """The policy text that says what ``signal`` does under the declared ``mode``."""
    if mode == "ignore":
        return f"{signal}_ignored"
    return f"{signal}_honoured" + ("_necessary" if mode == "necessary-only" else "")
