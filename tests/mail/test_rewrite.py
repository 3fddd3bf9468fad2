"""Rewriting an e-mail for one recipient: golden files for each kind of choice.

Regenerate the golden files with ``SAMTYCKE_REGOLD=1`` and read the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from samtycke.declaration.email import EmailTracking
from samtycke.mail import MailChoice, MailError, MailTracker, Plan, plan_for, verify
from tests.mail.conftest import KEY, shop

GOLDEN = Path(__file__).parent / "golden"
ADA = "ada@example.com"
SOURCE = (GOLDEN / "newsletter.html").read_text(encoding="utf-8")


def golden(name: str, text: str) -> None:
    path = GOLDEN / f"newsletter.{name}.html"
    if os.environ.get("SAMTYCKE_REGOLD"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def tokens(html: str, kind: str) -> list[str]:
    return re.findall(rf"/v1/mail/{kind}/([A-Za-z0-9_.-]+?)(?:\.gif)?\"", html)


def test_consented_to_both_gets_the_pixel_and_tracked_links(sqlite_tracker: MailTracker) -> None:
    sqlite_tracker.record(ADA, opens=True, clicks=True, method="accept-all")
    out = sqlite_tracker.rewrite(SOURCE, ADA, "december")
    golden("consented", out)
    links = [verify(KEY, t, "click") for t in tokens(out, "c")]
    assert [t.target for t in links if t] == [
        "https://shop.example/offers?utm_source=mail&id=7",
        "http://shop.example/blog",
    ]
    assert len(tokens(out, "o")) == 1 and len(tokens(out, "p")) == 1
    assert "mailto:help@shop.example" in out and 'href="#top"' in out
    assert 'href="https://shop.example/terms"' in out  # data-samtycke-track="no"
    assert "https://shop.example/in-a-comment" in out


def test_no_choice_or_refusal_gets_only_the_preference_link(sqlite_tracker: MailTracker) -> None:
    before = sqlite_tracker.rewrite(SOURCE, ADA, "december")
    golden("refused", before)
    assert tokens(before, "o") == [] and tokens(before, "c") == []
    sqlite_tracker.record(ADA, opens=False, clicks=False, method="reject-all")
    assert sqlite_tracker.rewrite(SOURCE, ADA, "december") == before


def test_do_not_track_means_opens_only(sqlite_tracker: MailTracker) -> None:
    sqlite_tracker.record(ADA, opens=True, clicks=True, method="accept-all")
    out = sqlite_tracker.rewrite(SOURCE, ADA, "december", do_not_track=True)
    golden("opens-only", out)
    assert len(tokens(out, "o")) == 1 and tokens(out, "c") == []


def test_a_withdrawal_changes_the_next_rewrite(sqlite_tracker: MailTracker) -> None:
    sqlite_tracker.record(ADA, opens=True, clicks=True, method="accept-all")
    sent = sqlite_tracker.rewrite(SOURCE, ADA, "december")
    sqlite_tracker.record(ADA, opens=False, clicks=False, method="withdraw")
    after = sqlite_tracker.rewrite(SOURCE, ADA, "december")
    assert after != sent
    assert after == (GOLDEN / "newsletter.refused.html").read_text(encoding="utf-8")


def test_every_byte_outside_the_edits_is_kept(sqlite_tracker: MailTracker) -> None:
    sqlite_tracker.record(ADA, opens=True, clicks=True, method="accept-all")
    out = sqlite_tracker.rewrite(SOURCE, ADA, "december")
    stripped = re.sub(r'"https://consent\.shop\.example/v1/mail/c/[^"]+"', "X", out)
    original = re.sub(
        r"""(href=)("https://shop\.example/offers[^"]*"|'http://shop\.example/blog')""",
        r"\1X",
        SOURCE,
        flags=re.IGNORECASE,
    )
    tail_at = original.rindex("</body>")
    assert stripped.startswith(original[:tail_at])
    assert stripped.endswith(original[tail_at:])


def test_a_placeholder_link_becomes_the_preference_link(sqlite_tracker: MailTracker) -> None:
    html = '<p><a href="samtycke:preferences">Spårning</a></p>'
    out = sqlite_tracker.rewrite(html, ADA, "december", language="en")
    pref = verify(KEY, tokens(out, "p")[0], "prefs")
    assert pref is not None and pref.language == "en" and pref.campaign is None
    assert "<p style=" not in out  # no footer: the e-mail placed the link itself
    assert out.startswith('<p><a href="https://consent.shop.example/v1/mail/p/')


@pytest.mark.parametrize(
    ("campaign", "lang", "message"),
    [("Bad Campaign", None, "not a campaign id"), ("ok", "fi", "not one of the site's")],
)
def test_bad_campaign_or_language(
    sqlite_tracker: MailTracker, campaign: str, lang: str | None, message: str
) -> None:
    with pytest.raises(MailError, match=message):
        sqlite_tracker.rewrite(SOURCE, ADA, campaign, language=lang)


def _email(extra: str) -> EmailTracking:
    email = shop(extra).email
    assert email is not None
    return email


def test_exemptions_place_a_kind_without_consent() -> None:
    email = _email(
        '[email.open]\npurpose = "Leverans."\nexemption = "deliverability"\n'
        '[email.click]\npurpose = "Klick."\n'
    )
    assert plan_for(email, MailChoice()) == Plan(pixel=True, links=False)
    assert plan_for(email, MailChoice(clicks=True)) == Plan(pixel=True, links=True)


def test_do_not_track_nothing_turns_everything_off() -> None:
    email = _email('[email]\ndo_not_track = "nothing"\n[email.open]\npurpose = "Öppningar."\n')
    assert plan_for(email, MailChoice(True, True), do_not_track=True) == Plan(False, False)
    assert plan_for(email, MailChoice(True, True)) == Plan(True, False)  # no click declared
