"""The ``[email]`` table: the tracking a site does in its e-mails, kind by kind.

Two kinds exist: ``open`` (a pixel that tells the sender a message was opened)
and ``click`` (links that pass through the consent server on their way to the
target). Each kind has a purpose in the site's languages and may name the
exemption that lets it run without consent. ``do_not_track`` says what a
recipient who asked not to be tracked still gets: ``"opens-only"`` (opens are
seen, clicks never — the rule Billogram's policy describes) or ``"nothing"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from samtycke.declaration.checks import Checks, did_you_mean
from samtycke.declaration.models import LocalText

MailKind = Literal["open", "click"]
Exemption = Literal["security", "deliverability"]
MailDoNotTrack = Literal["opens-only", "nothing"]

MAIL_KINDS: tuple[MailKind, ...] = ("open", "click")
# What each kind may be exempt for (the CNIL's two exemptions): authentication
# and security apply to both; deliverability only to opens, and then only the
# date of the last open may be kept.
EXEMPTIONS: dict[MailKind, tuple[Exemption, ...]] = {
    "open": ("security", "deliverability"),
    "click": ("security",),
}
_EMAIL_KEYS = ("do_not_track", *MAIL_KINDS)
_KIND_KEYS = ("purpose", "exemption")


@dataclass(frozen=True)
class MailTracking:
    """One kind of e-mail tracking: what it is for and its exemption, if any."""

    kind: MailKind
    purpose: LocalText
    exemption: Exemption | None = None
    line: int = 0


@dataclass(frozen=True)
class EmailTracking:
    """The ``[email]`` table: which kinds are used and the do-not-track rule."""

    kinds: tuple[MailTracking, ...]
    do_not_track: MailDoNotTrack = "nothing"
    line: int = 0

    def kind(self, kind: str) -> MailTracking | None:
        """The declared tracking of ``kind``, or None when the site does not use it."""
        return next((k for k in self.kinds if k.kind == kind), None)


class EmailChecks(Checks):
    """Reads ``[email]``; mixed into the declaration loader's validator."""

    def email(self, raw: object) -> EmailTracking | None:
        if raw is None:
            return None
        where = ("email",)
        t = self.table(raw, where, "[email]")
        if t is None:
            return None
        self.keys(t, _EMAIL_KEYS, where, "[email]")
        kinds = [k for k in (self.mail_kind(t, kind) for kind in MAIL_KINDS) if k is not None]
        # An unknown key (a misspelt kind) is already reported; one problem is enough.
        if not any(kind in t for kind in MAIL_KINDS) and all(k in _EMAIL_KEYS for k in t):
            self.error(
                where,
                "[email]: declares no tracking (add [email.open] and/or [email.click], "
                "or remove [email])",
            )
        dnt = self.choice(t, "do_not_track", where, "[email]", ("opens-only", "nothing"), "nothing")
        if dnt == "opens-only" and not any(k.kind == "open" for k in kinds):
            self.error(
                (*where, "do_not_track"),
                '[email]: do_not_track = "opens-only" needs [email.open] (or use "nothing")',
            )
        return EmailTracking(tuple(kinds), cast(MailDoNotTrack, dnt), self.lines.line(*where))

    def mail_kind(self, t: Mapping[str, Any], kind: MailKind) -> MailTracking | None:
        if kind not in t:
            return None
        where = ("email", kind)
        what = f"[email.{kind}]"
        body = self.table(t[kind], where, what)
        if body is None:
            return None
        self.keys(body, _KIND_KEYS, where, what)
        purpose = self.local_text(body, "purpose", where, what, required=True)
        exemption = body.get("exemption")
        allowed = EXEMPTIONS[kind]
        if exemption is not None and exemption not in allowed:
            hint = did_you_mean(exemption, allowed) if isinstance(exemption, str) else ""
            self.error(
                (*where, "exemption"),
                f"{what}: exemption {exemption!r} does not apply to {kind} tracking{hint} "
                f"(possible: {', '.join(repr(a) for a in allowed)}; leave it out when "
                "consent is asked)",
            )
            exemption = None
        if purpose is None:
            return None
        return MailTracking(
            kind, purpose, cast(Exemption | None, exemption), self.lines.line(*where)
        )
