"""The e-mail preference page in a real Chromium: one click withdraws, at once.

A live consent server with the mail endpoints; the recipient gives consent on
the page, an e-mail is rewritten and "sent", then one click withdraws and the
pixel of that already-sent e-mail stops counting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from samtycke.mail import MailTracker, campaign_counts
from samtycke.server import ServerConfig
from tests import web
from tests.mail.conftest import EMAIL, KEY, SITE
from tests.server.conftest import LiveServer

from .banner.test_banner_access import axe_violations

pytestmark = pytest.mark.e2e

ADA = "ada@example.com"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    (tmp_path / "shop.toml").write_text(SITE + EMAIL, encoding="utf-8")
    (tmp_path / "mail.key").write_text(KEY.secret.hex())
    config = ServerConfig(
        declaration=tmp_path / "shop.toml",
        db=f"sqlite:///{tmp_path / 'ledger.db'}",
        rate=0,
        burst=0,
        mail_key_file=tmp_path / "mail.key",
    )
    with LiveServer(config) as server:
        yield server


def opens(live: LiveServer) -> int:
    return sum(c.opens for c in campaign_counts(live.state.ledger.engine, "shop"))


def test_consent_then_one_click_withdraws_for_mail_already_sent(
    live: LiveServer, page: Any
) -> None:
    t = MailTracker(live.state.sites["shop"].decl, live.state.ledger, KEY, live.url)
    page.goto(t.preference_url(ADA, "en"))
    assert page.title() == "E-mail tracking – Shop"
    assert not page.get_by_label("Opens: see when I open an e-mail").is_checked()
    page.get_by_label("Opens: see when I open an e-mail").check()
    page.get_by_role("button", name="Save my choices").click()
    page.get_by_role("status").wait_for()
    assert page.get_by_role("status").inner_text() == "Your choices have been saved."
    assert page.get_by_label("Opens: see when I open an e-mail").is_checked()

    sent = t.rewrite("<body><p>Hello</p></body>", ADA, "december", language="en")
    (pixel,) = re.findall(r'<img src="([^"]+)"', sent)
    web.get(pixel)
    assert opens(live) == 1

    page.get_by_role("button", name="Stop all e-mail tracking").click()
    page.get_by_role("status").wait_for()
    assert "E-mail tracking is off" in page.get_by_role("status").inner_text()
    assert not page.get_by_label("Opens: see when I open an e-mail").is_checked()
    web.get(pixel)  # the e-mail sent before the withdrawal
    assert opens(live) == 1
    assert [r.decision.method for r in live.state.ledger.history(t.recipient_id(ADA))] == [
        "custom",
        "withdraw",
    ]


def test_the_page_is_accessible_and_loads_nothing_from_outside(
    live: LiveServer, browser: Any
) -> None:
    t = MailTracker(live.state.sites["shop"].decl, live.state.ledger, KEY, live.url)
    context = browser.new_context(bypass_csp=True)  # only so that axe itself can run
    try:
        pg = context.new_page()
        requests: list[str] = []
        pg.on("request", lambda r: requests.append(r.url))
        pg.goto(t.preference_url(ADA))
        assert pg.locator("html").get_attribute("lang") == "sv"
        assert [u for u in requests if not u.startswith(live.url)] == []
        assert axe_violations(pg) == []
    finally:
        context.close()
