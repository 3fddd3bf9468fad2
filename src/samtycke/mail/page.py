"""The preference page a recipient reaches from every e-mail, and the broken-link page.

Plain HTML with one form and no script: one button withdraws everything, the
check boxes and a second button save a finer choice. Every text is escaped;
the page is in the language the e-mail was written in.
"""

from __future__ import annotations

from html import escape

from samtycke import locales
from samtycke.declaration.email import EmailTracking
from samtycke.mail.choices import MailChoice

STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;"
    "color:#1a1a1a}button{font:inherit;padding:.6rem 1rem;margin:.5rem .5rem .5rem 0;"
    "border-radius:.4rem;border:1px solid #1a1a1a;background:#fff;cursor:pointer}"
    "button.stop{background:#1a1a1a;color:#fff}small{color:#444}"
    "p.notice{padding:.75rem;background:#eef6ee;border-left:4px solid #2e7d32}"
)
# No script, no outside resources; the form posts back to this page only.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}


def _page(lang: str, title: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def preference_page(
    site_name: str, lang: str, email: EmailTracking, choice: MailChoice, notice: str | None
) -> str:
    """The page showing ``choice``; ``notice`` is ``"saved"``, ``"withdrawn"`` or None."""

    def t(key: str, **values: str) -> str:
        return escape(locales.text(lang, f"mail.{key}", **values))

    parts = [f"<h1>{t('prefs_title', site=site_name)}</h1>"]
    if notice in ("saved", "withdrawn"):
        parts.append(f'<p class="notice" role="status">{t("prefs_" + notice)}</p>')
    parts.append(f"<p>{t('prefs_intro', site=site_name)}</p>")
    parts.append('<form method="post">')
    parts.append(
        '<button type="submit" class="stop" name="action" value="withdraw" '
        f'data-samtycke-action="withdraw">{t("prefs_withdraw")}</button>'
    )
    for kind, allowed in (("open", choice.opens), ("click", choice.clicks)):
        declared = email.kind(kind)
        if declared is None:
            continue
        checked = " checked" if allowed else ""
        parts.append(
            f'<p><input type="checkbox" id="stk-{kind}" name="{kind}" value="on"'
            f' aria-describedby="stk-{kind}-why"{checked}> '
            f'<label for="stk-{kind}">{t("prefs_" + kind)}</label><br>'
            f'<small id="stk-{kind}-why">{escape(declared.purpose.get(lang))}</small></p>'
        )
    parts.append(
        '<button type="submit" name="action" value="save" '
        f'data-samtycke-action="save">{t("prefs_save")}</button></form>'
    )
    return _page(lang, locales.text(lang, "mail.prefs_title", site=site_name), "".join(parts))


def message_page(lang: str, key: str) -> str:
    """A page with one message from the ``mail`` catalog (invalid or broken links)."""
    text = locales.text(lang, f"mail.{key}")
    return _page(lang, text, f"<p>{escape(text)}</p>")
