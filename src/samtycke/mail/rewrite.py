"""Rewrite an HTML e-mail for one recipient: open pixel and tracked links, as far as allowed.

The e-mail is changed in as few places as possible: each tracked ``<a href>``
gets a new href, the pixel goes just before ``</body>`` (or at the end), and
the preference link replaces every ``href="samtycke:preferences"`` or, when
the e-mail has none, is added as a short footer. Every other byte stays as it
was, so a rewritten e-mail looks exactly like the original.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from samtycke import locales
from samtycke.declaration.email import EmailTracking
from samtycke.mail.choices import MailChoice
from samtycke.mail.keys import MailKey
from samtycke.mail.tokens import Token, is_safe_target, sign

PREFERENCES_PLACEHOLDER = "samtycke:preferences"
NO_TRACK_ATTRIBUTE = "data-samtycke-track"  # ="no" keeps a link as it is
_HREF = re.compile(r"""(\shref\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Plan:
    """What one e-mail to one recipient may carry."""

    pixel: bool
    links: bool


def plan_for(email: EmailTracking, choice: MailChoice, *, do_not_track: bool = False) -> Plan:
    """The tracking allowed for a recipient with ``choice``.

    A kind is used when it is declared and either consented to or exempt. A
    recipient who asked not to be tracked gets no tracked links ever, and the
    pixel only under ``do_not_track = "opens-only"``.
    """
    opening, clicking = email.kind("open"), email.kind("click")
    pixel = opening is not None and (choice.opens or opening.exemption is not None)
    links = clicking is not None and (choice.clicks or clicking.exemption is not None)
    if do_not_track:
        links = False
        pixel = pixel and email.do_not_track == "opens-only"
    return Plan(pixel, links)


@dataclass(frozen=True)
class Envelope:
    """Who and what one e-mail is for, as every token in it says."""

    key: MailKey
    base_url: str
    site: str
    recipient: str
    campaign: str
    language: str

    def url(self, kind: str, target: str | None = None) -> str:
        """The signed URL of a pixel (``open``), tracked link (``click``) or ``prefs`` page."""
        token = sign(
            self.key,
            Token(
                kind,  # type: ignore[arg-type]
                self.site,
                self.recipient,
                self.language,
                None if kind == "prefs" else self.campaign,
                target,
            ),
        )
        suffix = ".gif" if kind == "open" else ""
        return f"{self.base_url.rstrip('/')}/v1/mail/{kind[0]}/{token}{suffix}"


def rewrite_html(text: str, envelope: Envelope, plan: Plan) -> str:
    """``text`` with the pixel, tracked links and preference link ``plan`` allows."""
    scan = _Scan(text)
    prefs = envelope.url("prefs")
    edits: list[tuple[int, int, str]] = []
    for start, raw, href in scan.anchors:
        if href == PREFERENCES_PLACEHOLDER:
            new = prefs
        elif plan.links and is_safe_target(href):
            new = envelope.url("click", href)
        else:
            continue
        m = _HREF.search(raw)
        if m is None:
            continue
        lo, hi = start + m.start(2), start + m.end(2)
        edits.append((lo, hi, '"' + html.escape(new, quote=True) + '"'))
    tail = ""
    if not any(href == PREFERENCES_PLACEHOLDER for _, _, href in scan.anchors):
        label = html.escape(locales.text(envelope.language, "mail.footer_link"))
        tail += (
            '<p style="font-size:12px;color:#666666;margin:16px 0">'
            f'<a href="{html.escape(prefs, quote=True)}" style="color:#666666">{label}</a></p>'
        )
    if plan.pixel:
        src = html.escape(envelope.url("open"), quote=True)
        tail += (
            f'<img src="{src}" width="1" height="1" alt="" '
            'style="display:block;border:0;width:1px;height:1px;overflow:hidden">'
        )
    at = scan.body_end if scan.body_end is not None else len(text)
    edits.append((at, at, tail))
    out, last = [], 0
    for lo, hi, new in sorted(edits):
        out += [text[last:lo], new]
        last = hi
    out.append(text[last:])
    return "".join(out)


class _Scan(HTMLParser):
    """Where the links and ``</body>`` are in the original text (offsets into it)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._starts = [0]
        for m in re.finditer("\n", text):
            self._starts.append(m.end())
        self.anchors: list[tuple[int, str, str]] = []
        self.body_end: int | None = None
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        raw = self.get_starttag_text()
        if href is None or raw is None or values.get(NO_TRACK_ATTRIBUTE) == "no":
            return
        self.anchors.append((self._offset(), raw, href.strip()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "body":
            self.body_end = self._offset()
