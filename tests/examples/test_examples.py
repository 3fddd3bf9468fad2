"""The Billogram and Bokio examples: true to their seeds and usable in all five languages.

The Billogram cookie table is parsed from the seed itself, so a row missing
from (or changed in) examples/billogram/samtycke.toml fails here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from samtycke.declaration import Declaration, load_declaration, parse_expiry
from samtycke.declaration.expiry import Expiry
from samtycke.policy import render_policy

BILLOGRAM_SEED = (
    Path(__file__).resolve().parents[1] / "data" / "seeds" / "billogram-cookie-table.txt"
)
LANGUAGES = ("sv", "en", "fi", "nb", "de")
LEVELS = {"Essential": "necessary", "Analysis": "analytics", "Marketing": "marketing"}

# Where the seed's "Belongs to" is a company, not a domain.
DOMAINS = {"google.com/se": "google.com", "Pardot": "pardot.com", "Meta (Facebook)": "facebook.com"}
# Where the seed's "Name" is not a cookie name: the names the site really sets.
NAMES = {"BilloPay session cookie": ["billopay_session"], "_fbc and _fbp": ["_fbc", "_fbp"]}
# "_fbc and _fbp" are Meta's cookies set on our own domain (the row says so).
OWN_DOMAIN_ROWS = {"_fbc and _fbp"}


@dataclass(frozen=True)
class SeedRow:
    name: str
    domain: str
    expires: str
    purpose: str
    category: str


def seed_rows() -> list[SeedRow]:
    """Every cookie row of the seed's table, with its consent level."""
    rows: list[SeedRow] = []
    level = ""
    text = BILLOGRAM_SEED.read_text(encoding="utf-8")
    table = text[text.index("Name | Belongs to | Expires | Why we use it") :]
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.split("|")]
        m = re.match(r"Consent level - (\w+)", cells[0])
        if m:
            level = LEVELS[m.group(1)]
            continue
        purpose = [c for c in cells[3:] if c][-1]
        rows.append(SeedRow(cells[0], cells[1], cells[2], purpose, level))
    return rows


def seed_expiry(text: str) -> Expiry:
    low = text.lower()
    if low == "lives forever":
        return parse_expiry("persistent")
    if low.startswith("session"):
        return parse_expiry("session")
    return parse_expiry(text)


@pytest.fixture(scope="module")
def billogram(billogram_path: Path) -> Declaration:
    return load_declaration(billogram_path)


@pytest.fixture(scope="module")
def bokio(bokio_path: Path) -> Declaration:
    return load_declaration(bokio_path)


def test_the_seed_table_is_read_whole() -> None:
    rows = seed_rows()
    assert len(rows) == 45
    assert {r.category for r in rows} == {"necessary", "analytics", "marketing"}
    assert rows[0].name == "csrftoken" and rows[-1].name == "_fbc and _fbp"


@pytest.mark.parametrize("row", seed_rows(), ids=lambda r: r.name)
def test_every_seed_cookie_is_declared_faithfully(billogram: Declaration, row: SeedRow) -> None:
    domain = DOMAINS.get(row.domain, row.domain).lstrip(".")
    if row.name in OWN_DOMAIN_ROWS:
        domain = "billogram.com"
    for name in NAMES.get(row.name, [row.name]):
        cookie = billogram.find_cookie(name, domain)
        assert cookie is not None, f"{name} ({domain}) is not declared"
        assert cookie.domain == domain
        assert cookie.category == row.category
        assert cookie.expires == seed_expiry(row.expires)
        assert cookie.purpose.texts["en"] == row.purpose
        assert cookie.purpose.texts["sv"] != row.purpose  # a Swedish text of its own


def test_billogram_site_settings_follow_the_seed(billogram: Declaration) -> None:
    site = billogram.site
    assert site.languages == LANGUAGES
    assert site.consent_days == 90
    assert site.do_not_track == "necessary-and-functional"
    assert site.controller == "Billogram AB"
    assert billogram.category("analytics").label.get("en") == "Analysis"


@pytest.mark.parametrize("name", ["billogram", "bokio"])
def test_examples_warn_only_about_their_privacy_signal_mode(
    name: str, request: pytest.FixtureRequest
) -> None:
    # The seeds' "necessary and functional" wording is kept, with check's reminder.
    decl: Declaration = request.getfixturevalue(name)
    assert [w.message.split(" = ")[0] for w in decl.warnings] == [
        "[site]: do_not_track",
        "[site]: global_privacy_control",
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["billogram", "bokio"])
def test_examples_render_in_every_language(
    name: str, lang: str, request: pytest.FixtureRequest
) -> None:
    decl: Declaration = request.getfixturevalue(name)
    html = render_policy(decl, lang)
    md = render_policy(decl, lang, "md")
    data = json.loads(render_policy(decl, lang, "json"))
    assert f'<html lang="{lang}">' in html
    assert [c["name"] for c in data["cookies"]] == [c.name for c in decl.cookies]
    for cookie in decl.cookies:
        assert f"<code>{cookie.name}</code>" in html
        assert f"`{cookie.name}`" in md
        assert cookie.purpose.get(lang) in data["cookies"][decl.cookies.index(cookie)]["purpose"]


def test_bokio_follows_its_seed(bokio: Declaration) -> None:
    necessary = {c.name for c in bokio.cookies_in("necessary")}
    # login, security, server routing and chat are strictly necessary
    assert {".AspNetCore.Cookies", ".AspNetCore.Antiforgery.*", "ARRAffinity"} <= necessary
    assert bokio.service("intercom").category == "necessary"
    insights = {c.name: c for c in bokio.cookies if c.service == "application-insights"}
    assert set(insights) == {"ai_session", "ai_user"}
    assert {c.category for c in insights.values()} == {"analytics"}
    assert bokio.site.languages == LANGUAGES
