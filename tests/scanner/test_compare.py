"""Violations from observed cookies, without a browser: phases, expiry tolerance, patterns."""

from __future__ import annotations

import struct

import pytest

from samtycke.declaration import parse_declaration
from samtycke.knowledge import builtin_knowledge
from samtycke.scanner.compare import find_violations
from samtycke.scanner.model import ObservedCookie, PageVisit
from samtycke.scanner.pixels import image_size
from samtycke.scanner.write_decl import write_declaration

DECL = """
[site]
id = "s"
name = "S"
controller = "S AB"
contact = "p@s.test"
domains = ["s.test"]
languages = ["en"]

[[cookies]]
name = "sess"
category = "necessary"
expires = "session"
purpose = "Session."

[[cookies]]
name = "year"
category = "analytics"
expires = "1 year"
purpose = "Counts."

[[cookies]]
name = "_gat_*"
category = "analytics"
expires = "1 minute"
purpose = "Throttles."
"""


def cookie(
    name: str, days: float | None, phases: list[str], category: str | None = None
) -> ObservedCookie:
    return ObservedCookie(
        name=name,
        domain="s.test",
        path="/",
        expires_days=days,
        third_party=False,
        http_only=False,
        secure=False,
        same_site="Lax",
        partitioned=False,
        phases=phases,
        pages=["https://s.test/"],  # type: ignore[arg-type]
        declared=category is not None,
        category=category,
    )


@pytest.mark.parametrize(
    ("name", "days", "category", "expected"),
    [
        ("year", 365.0, "analytics", None),
        ("year", 400.0, "analytics", None),  # within 10 %
        ("year", 402.0, "analytics", "declared 1 year, but lives 402 days"),
        ("sess", None, "necessary", None),
        ("sess", 1.0, "necessary", "declared as a session cookie, but lives 1 days"),
        ("_gat_UA-1", 0.04, "analytics", None),  # within the hour of slack
        ("_gat_UA-1", 0.1, "analytics", "declared 1 minute, but lives 0.1 days"),
    ],
)
def test_expiry_tolerance(
    name: str, days: float | None, category: str, expected: str | None
) -> None:
    decl = parse_declaration(DECL)
    found = [
        v
        for v in find_violations([cookie(name, days, ["after-accept"], category)], [], decl)
        if v.kind == "expiry-mismatch"
    ]
    assert [v.detail for v in found] == ([expected] if expected else [])


def test_phase_findings_and_declared_not_found() -> None:
    decl = parse_declaration(DECL)
    visits = [
        PageVisit("https://s.test/", "before-consent", 0),
        PageVisit("https://s.test/", "after-reject", 0),
    ]
    cookies = [
        cookie("sess", None, ["before-consent", "after-reject"], "necessary"),
        cookie("year", 365.0, ["before-consent", "after-reject"], "analytics"),
    ]
    got = {(v.kind, v.cookie, v.phase) for v in find_violations(cookies, visits, decl)}
    # _gat_* is a pattern: a scan may fairly not meet it
    assert got == {
        ("set-before-consent", "year", "before-consent"),
        ("set-after-reject", "year", "after-reject"),
    }
    got = {(v.kind, v.cookie) for v in find_violations(cookies[:1], visits, decl)}
    assert got == {("declared-not-found", "year")}


def test_without_declaration_only_phase_findings() -> None:
    got = find_violations([cookie("x", 1.0, ["before-consent", "after-accept"])], [], None)
    assert [(v.kind, v.cookie) for v in got] == [("set-before-consent", "x")]


def test_image_size() -> None:
    gif = b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x00" * 10
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 640, 480)
    assert (image_size(gif), image_size(png), image_size(b"<html>")) == ((1, 1), (640, 480), None)


def test_write_declaration_appends_and_loads() -> None:
    original = DECL.lstrip()
    found = [
        cookie("_fbp", 90.0, ["before-consent"]),
        cookie("odd", None, ["after-accept"]),
        cookie("year", 365.0, ["after-accept"], "analytics"),
    ]
    found[0].suggested_category = "marketing"
    text = write_declaration(original, found, builtin_knowledge())
    assert text.startswith(original)
    assert (
        "# review: found by samtycke scan (before-consent); looks like Meta pixel (Meta), marketing"
        in text
    )
    decl = parse_declaration(text)
    assert [(c.name, c.category, str(c.expires)) for c in decl.cookies[-2:]] == [
        ("_fbp", "marketing", "90 days"),
        ("odd", "functional", "session"),
    ]
    assert write_declaration(original, found[2:], builtin_knowledge()) == original


@pytest.mark.parametrize(
    ("policy", "flagged"),
    [
        ("necessary-and-functional", ["year"]),
        ("ignore", []),
    ],
)
def test_gpc_findings_follow_the_declared_gpc_policy(policy: str, flagged: list[str]) -> None:
    text = DECL.replace(
        'languages = ["en"]', f'languages = ["en"]\nglobal_privacy_control = "{policy}"'
    )
    text += '\n[[cookies]]\nname = "lang"\ncategory = "functional"\nexpires = "session"\npurpose = "L."\n'
    decl = parse_declaration(text)
    seen = [
        cookie("sess", None, ["gpc"], "necessary"),
        cookie("lang", None, ["gpc"], "functional"),
        cookie("year", 365, ["gpc"], "analytics"),
    ]
    got = [v.cookie for v in find_violations(seen, [], decl) if v.kind == "set-under-gpc"]
    assert got == flagged
