"""The policy's section on tracking in e-mail, from the declaration's ``[email]`` table."""

from __future__ import annotations

from functools import partial

from samtycke import locales
from samtycke.declaration import Declaration
from samtycke.declaration.email import MailTracking
from samtycke.policy.model import Items, Line, Paragraph, Section, Text, linkify, merge


def email_sections(decl: Declaration, lang: str) -> tuple[Section, ...]:
    """The e-mail tracking section, or nothing when the site tracks no e-mail."""
    email = decl.email
    if email is None:
        return ()
    t = partial(locales.text, lang)
    dnt = "mail.dnt_opens_only" if email.do_not_track == "opens-only" else "mail.dnt_nothing"
    blocks = (
        Paragraph((Text(t("mail.policy_intro")),)),
        Items(tuple(_kind_item(k, lang) for k in email.kinds)),
        Paragraph((Text(t(dnt)),)),
        Paragraph((Text(t("mail.withdraw_body")),)),
        Paragraph((Text(t("mail.pseudonym_body")),)),
    )
    return (Section("samtycke-email", t("mail.policy_heading"), blocks),)


def _kind_item(kind: MailTracking, lang: str) -> Line:
    note = "mail.needs_consent" if kind.exemption is None else f"mail.exempt_{kind.exemption}"
    template = locales.text(lang, f"mail.{kind.kind}_item")
    before, _, after = template.partition("{purpose}")
    # The purpose is declaration text: its URLs become links like everywhere else.
    parts = [Text(before), *linkify(kind.purpose.get(lang)), Text(after)]
    return merge([*parts, Text(" " + locales.text(lang, note))])
