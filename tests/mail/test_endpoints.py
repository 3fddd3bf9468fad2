"""The pixel, click and preference endpoints on a live server, against the real ledger."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from samtycke.ledger import verify_chain
from samtycke.mail import MailTracker, campaign_counts
from samtycke.mail.counters import last_open
from samtycke.mail.routes import GIF
from samtycke.server import ServerConfig
from tests import web
from tests.mail.conftest import EMAIL, KEY, SITE
from tests.server.conftest import LiveServer

ADA = "ada@example.com"
SOURCE = '<body><a href="https://shop.example/offer">Offer</a></body>'


@pytest.fixture
def live(tmp_path: Path, db_url: str) -> Iterator[LiveServer]:
    """A consent server with the mail endpoints on (SQLite, then PostgreSQL)."""
    (tmp_path / "shop.toml").write_text(SITE + EMAIL, encoding="utf-8")
    (tmp_path / "mail.key").write_text(KEY.secret.hex() + "\n")
    config = ServerConfig(
        declaration=tmp_path / "shop.toml",
        db=db_url,
        rate=0,
        burst=0,
        mail_key_file=tmp_path / "mail.key",
    )
    with LiveServer(config) as server:
        yield server


def tracker(live: LiveServer) -> MailTracker:
    return MailTracker(live.state.sites["shop"].decl, live.state.ledger, KEY, live.url)


def urls(html: str, kind: str) -> list[str]:
    return re.findall(rf'"(http://127\.0\.0\.1:\d+/v1/mail/{kind}/[^"]+)"', html)


def counts(live: LiveServer) -> dict[str, tuple[int, int]]:
    rows = campaign_counts(live.state.ledger.engine, "shop")
    return {r.campaign: (r.opens, r.clicks) for r in rows}


def choose(live: LiveServer, prefs: str, **form: str) -> httpx.Response:
    return web.post(prefs, data=form)


def test_without_consent_the_pixel_and_link_work_and_record_nothing(live: LiveServer) -> None:
    t = tracker(live)
    sent = t.rewrite(SOURCE, ADA, "december")
    assert urls(sent, "o") == [] and urls(sent, "c") == []
    # A pixel and link signed by the server but for a recipient who never consented:
    envelope = t.envelope(ADA, "december")
    pixel = web.get(envelope.url("open"))
    assert pixel.status_code == 200 and pixel.content == GIF
    assert pixel.headers["content-type"] == "image/gif"
    click = web.get(envelope.url("click", "https://shop.example/offer"))
    assert click.status_code == 302 and click.headers["location"] == "https://shop.example/offer"
    assert counts(live) == {}


def test_consent_from_the_preference_page_then_withdrawal_after_sending(
    live: LiveServer,
) -> None:
    t = tracker(live)
    prefs = urls(t.rewrite(SOURCE, ADA, "december"), "p")[0]
    page = web.get(prefs)
    assert page.status_code == 200 and "Spårning i e-post" in page.text
    saved = choose(live, prefs, action="save", open="on", click="on")
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=saved")
    sent = t.rewrite(SOURCE, ADA, "december")  # consented now: pixel and tracked link
    (pixel,), (link,) = urls(sent, "o"), urls(sent, "c")
    assert web.get(pixel).content == GIF
    assert web.get(link).headers["location"] == "https://shop.example/offer"
    assert counts(live) == {"december": (1, 1)}

    withdrawn = choose(live, prefs, action="withdraw")
    assert withdrawn.status_code == 303
    # The e-mail already sent still has its pixel and link: they keep working
    # and no longer count anything.
    assert web.get(pixel).content == GIF
    assert web.get(link).headers["location"] == "https://shop.example/offer"
    assert counts(live) == {"december": (1, 1)}
    assert "checked" not in web.get(prefs).text

    history = live.state.ledger.history(t.recipient_id(ADA))
    assert [r.decision.method for r in history] == ["custom", "withdraw"]
    assert dict(history[-1].decision.choices) == {
        "necessary": True,
        "email-open": False,
        "email-click": False,
    }
    verify_chain(live.state.ledger)


def test_one_click_unsubscribe_withdraws(live: LiveServer) -> None:
    t = tracker(live)
    prefs = t.preference_url(ADA)
    choose(live, prefs, action="save", open="on")
    r = web.post(prefs, content=b"List-Unsubscribe=One-Click")
    assert r.status_code == 303
    assert t.choice(ADA).anything is False


@pytest.mark.parametrize(
    "change",
    [
        lambda u: u.replace("/c/ey", "/c/eX"),  # payload changed
        lambda u: u[:-3] + ("AAA" if not u.endswith("AAA") else "BBB"),  # signature changed
        lambda u: u.replace("/c/", "/c/x"),
    ],
)
def test_a_forged_link_redirects_nowhere(live: LiveServer, change: object) -> None:
    t = tracker(live)
    choose(live, t.preference_url(ADA), action="save", click="on")
    (link,) = urls(t.rewrite(SOURCE, ADA, "december"), "c")
    forged = change(link)  # type: ignore[operator]
    r = web.get(forged)
    assert r.status_code == 400 and "location" not in r.headers
    assert counts(live) == {}


def test_an_open_redirect_cannot_be_built_from_a_pixel_or_preference_token(
    live: LiveServer,
) -> None:
    t = tracker(live)
    envelope = t.envelope(ADA, "december")
    pixel_token = envelope.url("open").rsplit("/", 1)[1].removesuffix(".gif")
    prefs_token = envelope.url("prefs").rsplit("/", 1)[1]
    for token in (pixel_token, prefs_token):
        r = web.get(f"{live.url}/v1/mail/c/{token}?u=https://evil.example")
        assert r.status_code == 400 and "location" not in r.headers


def test_bad_tokens_still_get_an_image_and_a_clear_page(live: LiveServer) -> None:
    assert web.get(f"{live.url}/v1/mail/o/nonsense.gif").content == GIF
    page = web.get(f"{live.url}/v1/mail/p/nonsense", headers={"Accept-Language": "de"})
    assert page.status_code == 404 and "Dieser Link ist nicht gültig" in page.text
    bad = web.post(tracker(live).preference_url(ADA), data={"action": "explode"})
    assert bad.status_code == 422


def test_without_a_mail_key_there_are_no_mail_endpoints(tmp_path: Path) -> None:
    (tmp_path / "shop.toml").write_text(SITE + EMAIL, encoding="utf-8")
    config = ServerConfig(declaration=tmp_path / "shop.toml", db=f"sqlite:///{tmp_path / 'l.db'}")
    with LiveServer(config) as live:
        assert web.get(f"{live.url}/v1/mail/o/x.gif").status_code == 404


EXEMPT = """
[email.open]
purpose = "Att våra utskick når fram."
exemption = "deliverability"

[email.click]
purpose = "Inloggningslänkar."
exemption = "security"
"""


def test_exemptions_keep_only_what_they_allow(tmp_path: Path) -> None:
    (tmp_path / "shop.toml").write_text(SITE + EXEMPT, encoding="utf-8")
    (tmp_path / "mail.key").write_text(KEY.secret.hex())
    config = ServerConfig(
        declaration=tmp_path / "shop.toml",
        db=f"sqlite:///{tmp_path / 'ledger.db'}",
        mail_key_file=tmp_path / "mail.key",
    )
    with LiveServer(config) as live:
        t = tracker(live)
        sent = t.rewrite(SOURCE, ADA, "login")  # nobody consented: both kinds are exempt
        (pixel,), (link,) = urls(sent, "o"), urls(sent, "c")
        web.get(pixel)
        web.get(link)
        # Deliverability: no count, only the day of the last open; security: counted.
        assert counts(live) == {"login": (0, 1)}
        day = last_open(live.state.ledger.engine, "shop", t.recipient_id(ADA))
        assert day is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", day)
