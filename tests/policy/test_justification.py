"""Necessary cookies that are third-party or live longer than a year say why they are
necessary: check warns without it, and the policy shows it."""

from __future__ import annotations

import pytest

from samtycke.declaration import parse_declaration
from samtycke.policy import policy_data, render_policy

BASE = """
[site]
id = "s"
name = "S"
controller = "S AB"
contact = "p@s.test"
domains = ["s.test"]
languages = ["en", "sv"]

[[services]]
id = "pay"
name = "Pay"
provider = "Pay Ltd"
category = "necessary"

[[cookies]]
name = "{name}"
category = "necessary"
{where}
expires = "{expires}"
purpose = {{ en = "Keeps it working.", sv = "Håller det igång." }}
{justification}
"""


def warnings(name: str, expires: str, where: str = "", justification: str = "") -> list[str]:
    text = BASE.format(name=name, expires=expires, where=where, justification=justification)
    return [str(w) for w in parse_declaration(text, "s.toml").warnings]


@pytest.mark.parametrize(
    ("where", "expires", "why"),
    [
        ('domain = "pay.example"', "1 day", "it is set on pay.example, a third party's domain"),
        ('service = "pay"', "1 day", "it belongs to Pay Ltd, a third party"),
        ("", "13 months", "it lives 13 months, longer than a year"),
        ("", "persistent", "it lives until it is deleted, longer than a year"),
    ],
)
def test_check_asks_for_a_justification(where: str, expires: str, why: str) -> None:
    (warning,) = warnings("c", expires, where)
    assert warning == (
        f"s.toml:16: warning: cookie 'c': a necessary cookie needs a justification, as {why} "
        '(add justification = { en = "why the service cannot work without it" })'
    )


@pytest.mark.parametrize("expires", ["1 year", "12 months", "session", "30 days"])
def test_first_party_cookies_up_to_a_year_need_none(expires: str) -> None:
    assert warnings("c", expires) == []


def test_the_policy_shows_the_justification() -> None:
    why = 'justification = { en = "Payments fail without it.", sv = "Betalningar misslyckas utan den." }'
    text = BASE.format(name="c", where='service = "pay"', expires="2 years", justification=why)
    decl = parse_declaration(text)
    assert decl.warnings == ()
    html = render_policy(decl, "sv", script_src="/samtycke.js")
    assert "Håller det igång. Varför den är nödvändig: Betalningar misslyckas utan den." in html
    md = render_policy(decl, "en", "md")
    assert (
        "| `c` | Pay Ltd | s.test | 2 years | Keeps it working. Why it is necessary: Payments fail without it. |"
        in md
    )
    cookie = policy_data(decl, "en")["cookies"][0]
    assert (
        cookie["justification"] == "Payments fail without it." and cookie["provider"] == "Pay Ltd"
    )
