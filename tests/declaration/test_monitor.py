"""The [monitor] table: pages, schedule, crawl limits and alert recipients, with lines."""

from __future__ import annotations

import pytest

from samtycke.declaration import parse_declaration
from samtycke.errors import DeclarationError

SITE = """\
[site]
id = "shop"
name = "Shop"
controller = "Shop AB"
contact = "privacy@shop.example"
domains = ["shop.example", "www.shop.example"]
languages = ["en"]
"""
BASE = len(SITE.splitlines())


def problems(extra: str) -> list[str]:
    with pytest.raises(DeclarationError) as info:
        parse_declaration(SITE + extra, "shop.toml")
    return [str(p) for p in info.value.problems if p.severity == "error"]


def test_a_full_monitor_table_loads() -> None:
    decl = parse_declaration(
        SITE
        + """
[monitor]
urls = ["https://shop.example/", "https://www.shop.example/help"]
every = "6 hours"
max_pages = 50
depth = 2
gpc = true
alert_email = ["privacy@shop.example", "dpo@shop.example"]
alert_webhook = "https://hooks.example/T000/B000"
""",
        "shop.toml",
    )
    m = decl.monitor
    assert m is not None
    assert m.urls == ("https://shop.example/", "https://www.shop.example/help")
    assert (m.every, m.every_seconds) == ("6 hours", 6 * 3600)
    assert (m.max_pages, m.depth, m.gpc) == (50, 2, True)
    assert m.alert_email == ("privacy@shop.example", "dpo@shop.example")
    assert m.alert_webhook == "https://hooks.example/T000/B000"
    assert m.line == BASE + 2


def test_an_empty_table_scans_the_first_domain_daily() -> None:
    m = parse_declaration(SITE + "\n[monitor]\n", "shop.toml").monitor
    assert m is not None
    assert m.urls == ("https://shop.example/",)
    assert m.every_seconds == 86400 and m.alert_email == () and m.alert_webhook is None


def test_without_the_table_nothing_is_monitored() -> None:
    assert parse_declaration(SITE, "shop.toml").monitor is None


def test_a_misspelt_key_says_which_was_meant() -> None:
    assert problems('\n[monitor]\nevrey = "1 day"\n') == [
        f"shop.toml:{BASE + 3}: [monitor]: unknown key 'evrey' (did you mean 'every'?)"
    ]


def test_a_misspelt_top_level_table_says_monitor() -> None:
    found = problems("\n[moniter]\n")
    assert found == [
        f"shop.toml:{BASE + 2}: declaration: unknown key 'moniter' (did you mean 'monitor'?)"
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('every = "daily"', "[monitor]: every 'daily' is not a duration"),
        ('every = "5 minutes"', "shorter than the minimum of 15 minutes"),
        ('every = "session"', "[monitor]: every 'session' is not a duration"),
        ("every = 3", "[monitor]: every must be a duration string"),
        ('urls = ["ftp://shop.example/"]', "url 'ftp://shop.example/' is not an http(s) URL"),
        ("urls = []", "[monitor]: urls must be a non-empty list"),
        ('urls = ["https://a.example/", "https://a.example/"]', "is listed twice"),
        ('alert_email = "not-an-address"', "alert_email 'not-an-address' is not an e-mail"),
        ('alert_webhook = "javascript:alert(1)"', "alert_webhook 'javascript:alert(1)' is not"),
        ("max_pages = 0", "[monitor]: max_pages = 0 is below the minimum 1"),
        ('gpc = "yes"', "[monitor]: gpc must be true or false"),
    ],
)
def test_bad_values_are_one_line_each_with_the_line(line: str, message: str) -> None:
    found = problems(f"\n[monitor]\n{line}\n")
    assert len(found) == 1, found
    assert found[0].startswith(f"shop.toml:{BASE + 3}: ")
    assert message in found[0]


def test_monitor_settings_leave_the_fingerprint_alone() -> None:
    from samtycke.declaration import fingerprint

    plain = parse_declaration(SITE, "shop.toml")
    watched = parse_declaration(SITE + '\n[monitor]\nevery = "1 week"\n', "shop.toml")
    assert fingerprint(plain) == fingerprint(watched)
