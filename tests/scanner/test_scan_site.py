"""A real three-phase scan of the two-origin fixture site, every result asserted exactly."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from samtycke.scanner import ScanResult
from samtycke.scanner.model import BLOCKED_NOTE, BLOCKED_STORAGE_NOTE
from samtycke.scanner.report_json import to_dict
from tests.scanner.fixture_site import Site

B, R, A = "before-consent", "after-reject", "after-accept"


def path(url: str | None) -> str | None:
    return None if url is None else urlsplit(url).path


def test_pages_crawled_breadth_first_within_depth_and_robots(
    result: ScanResult, site: Site
) -> None:
    assert [path(p) for p in result.pages] == ["/", "/about", "/deep/1", "/deep/2"]
    assert result.skipped == [site.first + "/private"]
    for phase in result.phases:
        assert [
            path(v.url) for v in result.visits if v.phase == phase.phase and not v.decision
        ] == ["/", "/about", "/deep/1", "/deep/2"]


def test_banner_answered_once_then_every_page_again(result: ScanResult) -> None:
    # after-reject and after-accept answer the banner on the start page, then
    # load every page, the start page included, with the answer in place.
    decided = [(v.phase, path(v.url), v.banner) for v in result.visits if v.decision]
    assert decided == [(R, "/", "onetrust"), (A, "/", "onetrust")]
    for phase in (R, A):
        visits = [v for v in result.visits if v.phase == phase]
        assert visits[0].decision and not any(v.decision for v in visits[1:])


def test_banner_driven_by_the_onetrust_rule(result: ScanResult) -> None:
    assert [(p.phase, p.banner) for p in result.phases] == [
        (B, None),
        (R, "onetrust"),
        (A, "onetrust"),
    ]


def test_every_cookie_exactly(result: ScanResult) -> None:
    got = {
        c.name: (
            c.domain,
            c.phases,
            c.expires_days,
            c.third_party,
            c.http_only,
            c.secure,
            c.partitioned,
            c.declared,
            c.category,
            c.suggested_category,
            c.note,
        )
        for c in result.cookies
    }
    expected = {
        "sid": (
            "127.0.0.1",
            [B, R, A],
            None,
            False,
            True,
            False,
            False,
            True,
            "necessary",
            None,
            None,
        ),
        "pref": (
            "127.0.0.1",
            [B, R, A],
            30.0,
            False,
            False,
            False,
            False,
            True,
            "functional",
            None,
            None,
        ),
        "trk_early": (
            "127.0.0.1",
            [B, R, A],
            90.0,
            False,
            False,
            False,
            False,
            True,
            "marketing",
            None,
            None,
        ),
        # set by setTimeout 1.5 s after load: the settle logic must wait for it
        "late_ping": (
            "127.0.0.1",
            [B, R, A],
            1.0,
            False,
            False,
            False,
            False,
            True,
            "analytics",
            None,
            None,
        ),
        # the third-party iframe's partitioned (CHIPS) cookie is stored
        "tp_chips": (
            "tp.localhost",
            [B, R, A],
            1.0,
            True,
            False,
            True,
            True,
            False,
            None,
            "marketing",  # a guess: an unknown third-party cookie
            None,
        ),
        # refused only by headless Chromium's third-party setting: reported, with the note
        "tp_frame": (
            "tp.localhost",
            [B, R, A],
            None,
            True,
            False,
            True,
            False,
            True,
            "necessary",
            None,
            BLOCKED_NOTE,
        ),
        # written by the cross-site frame's script; blocked the same way
        "tp_js": (
            "tp.localhost",
            [B, R, A],
            0.04,
            True,
            False,
            True,
            False,
            False,
            None,
            "marketing",
            BLOCKED_NOTE,
        ),
        "tp_pixel": (
            "tp.localhost",
            [B, R, A],
            365.0,
            True,
            False,
            True,
            False,
            True,
            "marketing",
            None,
            BLOCKED_NOTE,
        ),
        "OptanonConsent": (
            "127.0.0.1",
            [R, A],
            365.0,
            False,
            False,
            False,
            False,
            True,
            "necessary",
            None,
            None,
        ),
        # Chromium caps every cookie at 400 days
        "_ga": ("127.0.0.1", [A], 400.0, False, False, False, False, True, "analytics", None, None),
        "_hjSessionUser_1234": (
            "127.0.0.1",
            [A],
            365.0,
            False,
            False,
            False,
            False,
            False,
            None,
            "analytics",
            None,
        ),
        "mystery": (
            "127.0.0.1",
            [A],
            None,
            False,
            False,
            False,
            False,
            False,
            None,
            "functional",  # a guess with nothing to go on
            None,
        ),
    }
    assert got == expected
    sure = {
        c.name: (c.suggestion_source, c.suggestion_confidence)
        for c in result.cookies
        if not c.declared
    }
    assert sure == {
        "tp_chips": ("heuristic", 0.3),
        "tp_js": ("heuristic", 0.3),
        "_hjSessionUser_1234": ("samtycke", 0.8),
        "mystery": ("heuristic", 0.2),
    }
    # bad_dom (Domain of another site) and tp_insecure (SameSite=None without
    # Secure) are invalid: no browser keeps them, so they are not cookies set.
    rejected = {r for v in result.visits for r in v.rejected}
    assert rejected == {
        "bad_dom: Domain=example.org does not match the host 127.0.0.1",
        "tp_insecure: SameSite=None without Secure",
    }


def test_storage_of_page_and_frame(result: ScanResult, site: Site) -> None:
    got = {(s.kind, s.key, s.origin, tuple(s.phases), s.declared, s.note) for s in result.storage}
    third = site.third
    assert got == {
        ("localStorage", "ls_theme", site.first, (B, R, A), True, None),
        ("sessionStorage", "ss_visit", site.first, (B, R, A), False, None),
        ("localStorage", "tp_ls", third, (B, R, A), False, BLOCKED_STORAGE_NOTE),
    }


def test_pixels(result: ScanResult, site: Site) -> None:
    got = {(phase, path(page), p.url, p.reason) for phase, page, p in result.pixels}
    pixel, frame = site.third + "/pixel.gif?ev=view", site.third + "/frame"
    host = "request to a Pixel Co host"
    assert got == {
        (ph, "/", url, reason)
        for ph in (B, R, A)
        for url, reason in ((pixel, "1×1 image"), (pixel, host), (frame, host))
    }


def test_every_violation_exactly(result: ScanResult) -> None:
    got = {(v.kind, v.cookie, path(v.page), v.phase) for v in result.violations}
    assert got == {
        ("set-before-consent", "pref", "/", B),
        ("set-before-consent", "trk_early", "/", B),
        ("set-before-consent", "late_ping", "/", B),
        ("set-before-consent", "tp_chips", "/", B),
        ("set-before-consent", "tp_pixel", "/", B),
        ("set-before-consent", "tp_js", "/", B),
        # the home page sets these whatever the choice: its reload after
        # "Reject all" shows it (on the page where the banner was answered,
        # trk_early ran before the click)
        ("set-after-reject", "trk_early", "/", R),
        ("set-after-reject", "late_ping", "/", R),
        ("set-after-reject", "pref", "/", R),
        ("set-after-reject", "tp_chips", "/", R),
        ("set-after-reject", "tp_pixel", "/", R),
        ("set-after-reject", "tp_js", "/", R),
        ("undeclared", "tp_chips", "/", B),
        ("undeclared", "tp_js", "/", B),
        ("undeclared", "_hjSessionUser_1234", "/", A),
        ("undeclared", "mystery", "/", A),
        ("expiry-mismatch", "pref", "/", B),
        ("declared-not-found", "never_seen", None, None),
    }
    details = {(v.kind, v.cookie): v.detail for v in result.violations}
    assert details["expiry-mismatch", "pref"] == "declared 7 days, but lives 30 days"
    assert details["undeclared", "_hjSessionUser_1234"] == (
        "set on 127.0.0.1 but not in the declaration; looks like Hotjar (analytics)"
    )
    assert BLOCKED_NOTE in details["set-before-consent", "tp_pixel"]


def test_json_report_follows_the_documented_schema(result: ScanResult) -> None:
    data = json.loads(json.dumps(to_dict(result)))
    assert set(data) >= {"pages", "cookies", "storage", "violations"}
    cookie_keys = {
        "name",
        "domain",
        "path",
        "expires_days",
        "third_party",
        "http_only",
        "secure",
        "same_site",
        "phases",
        "pages",
        "declared",
        "category",
        "suggested_category",
    }
    assert all(cookie_keys <= set(c) for c in data["cookies"])
    assert all({"kind", "key", "phases"} <= set(s) for s in data["storage"])
    assert all({"kind", "cookie", "page", "phase", "detail"} <= set(v) for v in data["violations"])
    sid = next(c for c in data["cookies"] if c["name"] == "sid")
    assert sid["expires_days"] is None and sid["same_site"] == "Lax"


def test_three_phases_ran_concurrently(result: ScanResult) -> None:
    assert result.seconds < sum(p.seconds for p in result.phases)
