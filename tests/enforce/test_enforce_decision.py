"""The shared decision logic: effective consent and which Set-Cookie headers pass."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.consent import decode_consent_cookie, encode_consent_cookie
from samtycke.declaration import Declaration, fingerprint, load_declaration
from samtycke.enforce import Enforcer
from tests.enforce.conftest import SHOP_FP

Cookie = Callable[..., str]

ALL = [
    "sessionid=s1; Path=/; HttpOnly",
    "lang=sv; Path=/",
    "ab_variant=b; Max-Age=2592000",
    "_ga=GA1.1.123; Domain=.shop.example; Max-Age=63072000",
    "_ga_ABC123=GS1.1.1; Domain=.shop.example",
    "_fbp=fb.1.2; Max-Age=7776000",
    "samtycke=v=1; Path=/",
]


def names(headers: list[str]) -> list[str]:
    return [h.split("=", 1)[0] for h in headers]


def passing(enforcer: Enforcer, cookie_header: str | None, **signals: str) -> list[str]:
    consent = enforcer.consent(cookie_header, signals.get("gpc"), signals.get("dnt"))
    return names(enforcer.filter_set_cookies(ALL, consent))


def test_without_consent_only_necessary_and_the_consent_cookie_pass(shop: Declaration) -> None:
    e = Enforcer(shop)
    assert passing(e, None) == ["sessionid", "samtycke"]
    assert passing(e, "other=1; more=2") == ["sessionid", "samtycke"]
    assert not e.consent(None).allows("analytics")
    assert e.consent(None).allows("necessary")


def test_accept_all_lets_every_declared_cookie_pass(
    shop: Declaration, consent_cookie: Cookie
) -> None:
    e = Enforcer(shop)
    header = consent_cookie("functional", "analytics", "marketing", method="accept-all")
    assert passing(e, header) == names(ALL)


def test_custom_choice_passes_its_categories_and_patterns(
    shop: Declaration, consent_cookie: Cookie
) -> None:
    e = Enforcer(shop)
    assert passing(e, consent_cookie("analytics")) == ["sessionid", "_ga", "_ga_ABC123", "samtycke"]
    assert passing(e, "a=1; " + consent_cookie("marketing") + "; b=2") == [
        "sessionid",
        "_fbp",
        "samtycke",
    ]


def test_a_refused_service_is_stripped_inside_an_accepted_category(shop: Declaration) -> None:
    value = encode_consent_cookie(
        ["functional", "analytics"], 3, refused_services=["abtest"], fingerprint=SHOP_FP
    )
    e = Enforcer(shop)
    assert passing(e, f"samtycke={value}") == [
        "sessionid",
        "lang",
        "_ga",
        "_ga_ABC123",
        "samtycke",
    ]


@pytest.mark.parametrize(
    ("revision", "age_days"), [(2, 0), (1, 0), (4, 0), (3, 91), (3, 365), (3, -2)]
)
def test_old_revision_or_expired_consent_is_no_consent(
    shop: Declaration, consent_cookie: Cookie, revision: int, age_days: float
) -> None:
    e = Enforcer(shop)
    header = consent_cookie(
        "analytics", "marketing", method="accept-all", revision=revision, age_days=age_days
    )
    assert e.consent(header).source == "none"
    assert passing(e, header) == ["sessionid", "samtycke"]


def test_consent_just_inside_consent_days_still_counts(
    shop: Declaration, consent_cookie: Cookie
) -> None:
    assert Enforcer(shop).consent(consent_cookie("analytics", age_days=89.9)).allows("analytics")


def test_gpc_and_dnt_by_default_mean_necessary_only_without_a_choice(shop: Declaration) -> None:
    e = Enforcer(shop)
    for signals in ({"gpc": "1"}, {"dnt": "1"}, {"gpc": " 1 ", "dnt": "0"}):
        assert passing(e, None, **signals) == ["sessionid", "samtycke"]
    assert e.consent(None, gpc="1").source == "gpc"
    assert e.consent(None, dnt="1").source == "dnt"
    assert e.consent(None, gpc="0", dnt="yes").source == "none"


@pytest.mark.parametrize(
    "value", ["1\xa0", "\x851", "\u00a01", "1\x0b", "1, 1", "01", "true", "+1", ""]
)
def test_a_signal_is_the_value_1_and_nothing_else(shop: Declaration, value: str) -> None:
    # The GPC spec's grammar is exactly "1"; HTTP trims only spaces and tabs around it.
    e = Enforcer(shop)
    assert e.consent(None, gpc=value).source == "none"
    assert e.consent(None, dnt=value).source == "none"
    assert e.consent(None, gpc="\t1 ").source == "gpc"


def test_an_explicit_choice_wins_over_the_signals(
    shop: Declaration, consent_cookie: Cookie
) -> None:
    e = Enforcer(shop)
    accepted = consent_cookie("functional", "analytics", "marketing", method="accept-all")
    assert passing(e, accepted, gpc="1", dnt="1") == names(ALL)
    rejected = consent_cookie(method="reject-all")
    assert passing(e, rejected, gpc="1") == ["sessionid", "samtycke"]
    assert e.consent(rejected, gpc="1").explicit


def test_a_cookie_written_from_a_signal_is_not_an_explicit_choice(
    shop: Declaration, consent_cookie: Cookie
) -> None:
    e = Enforcer(shop)
    from_gpc = consent_cookie("functional", method="gpc")
    assert e.consent(from_gpc, gpc="1").source == "gpc"
    # As in the banner: without the signal, a signal-derived cookie means nothing.
    assert e.consent(from_gpc).source == "none"
    assert e.consent(consent_cookie("functional", method="dnt")).source == "none"


def test_an_outdated_explicit_choice_falls_back_to_the_signal(
    shop: Declaration, consent_cookie: Cookie
) -> None:
    old = consent_cookie("analytics", "marketing", method="accept-all", revision=2)
    assert Enforcer(shop).consent(old, dnt="1").source == "dnt"


def test_signals_set_to_ignore_are_ignored(shop: Declaration) -> None:
    site = dataclasses.replace(shop.site, do_not_track="ignore", global_privacy_control="ignore")
    e = Enforcer(dataclasses.replace(shop, site=site))
    assert e.consent(None, gpc="1", dnt="1").source == "none"


def test_deleting_a_refused_cookie_always_passes(shop: Declaration) -> None:
    e = Enforcer(shop)
    none = e.consent(None)
    assert e.allows_set_cookie('_ga=""; Max-Age=0; Path=/', none)
    assert e.allows_set_cookie("_fbp=; expires=Thu, 01 Jan 1970 00:00:00 GMT", none)
    assert e.allows_set_cookie("stranger=; Max-Age=-1", none)
    assert not e.allows_set_cookie("_fbp=x; expires=Fri, 01 Jan 2100 00:00:00 GMT", none)
    assert not e.allows_set_cookie("_fbp=x; Max-Age=soon", none)
    assert not e.allows_set_cookie("_fbp=x; expires=not a date", none)


def test_undeclared_cookies_block_by_default_and_log_once_with_a_snippet(
    shop: Declaration, caplog: pytest.LogCaptureFixture
) -> None:
    e = Enforcer(shop)
    with caplog.at_level(logging.WARNING, logger="samtycke.enforce"):
        for _ in range(3):
            assert not e.allows_set_cookie("mystery=1; Path=/", e.consent(None))
            assert not e.allows_set_cookie("mystery=2", e.consent(None, gpc="1"))
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "'mystery' blocked" in message
    assert '[[cookies]]\nname = "mystery"\ncategory = ' in message
    assert 'domain = "shop.example"' in message


def test_undeclared_report_mode_passes_and_logs(
    shop: Declaration, caplog: pytest.LogCaptureFixture
) -> None:
    e = Enforcer(shop, undeclared="report")
    with caplog.at_level(logging.WARNING, logger="samtycke.enforce"):
        assert e.allows_set_cookie("mystery=1; Domain=.cdn.shop.example", e.consent(None))
        assert e.allows_set_cookie("mystery=1", e.consent(None))
        assert e.allows_set_cookie("other=1", e.consent(None), host="www.shop.example:8443")
    assert 'domain = "www.shop.example"' in caplog.records[1].getMessage()
    assert [r.getMessage().split(";")[0] for r in caplog.records] == [
        "undeclared cookie 'mystery' let through (report mode)",
        "undeclared cookie 'other' let through (report mode)",
    ]
    assert 'domain = "cdn.shop.example"' in caplog.records[0].getMessage()


def test_undeclared_allow_mode_passes_silently(
    shop: Declaration, caplog: pytest.LogCaptureFixture
) -> None:
    e = Enforcer(shop, undeclared="allow")
    with caplog.at_level(logging.DEBUG, logger="samtycke.enforce"):
        assert e.allows_set_cookie("mystery=1", e.consent(None))
    assert caplog.records == []


def test_an_unknown_undeclared_mode_is_refused(shop: Declaration) -> None:
    with pytest.raises(ValueError, match="undeclared='drop' is not one of block, allow, report"):
        Enforcer(shop, undeclared="drop")  # type: ignore[arg-type]


def test_a_name_declared_twice_is_decided_by_domain(shop: Declaration) -> None:
    extra = dataclasses.replace(shop.cookies[3], domain="tracker.example", category="marketing")
    twice = dataclasses.replace(shop, cookies=(*shop.cookies, extra))
    e = Enforcer(twice)
    value = encode_consent_cookie(["analytics"], 3, fingerprint=fingerprint(twice))
    analytics_only = e.consent(f"samtycke={value}")
    assert e.allows_set_cookie("_ga=1; Domain=.shop.example", analytics_only)
    assert not e.allows_set_cookie("_ga=1; Domain=tracker.example", analytics_only)
    assert not e.allows_set_cookie("_ga=1", analytics_only, host="www.tracker.example:8443")


def test_the_declaration_may_be_given_as_a_path(shop_path: object) -> None:
    e = Enforcer(str(shop_path))
    assert e.declaration.site.id == "shop"


def test_decoded_cookies_are_memoised_but_the_memo_is_bounded(shop: Declaration) -> None:
    e = Enforcer(shop)
    now = time.time()
    for i in range(3000):
        e.consent(f"samtycke=junk{i}", now=now)
    assert len(e._memo) <= 1024


@settings(deadline=None)  # a loaded machine must not fail a test that asserts no time
@given(
    st.integers(1, 5),
    st.sampled_from(["accept-all", "reject-all", "custom", "withdraw", "gpc", "dnt"]),
    st.integers(0, 2_000_000_000),
    st.integers(-200 * 86400, 200 * 86400),
)
def test_the_memoised_window_agrees_with_consent_state_is_current(
    revision: int, method: str, timestamp: int, offset: int
) -> None:
    e = _shop_enforcer
    value = encode_consent_cookie(
        ["analytics"], revision, timestamp=timestamp, method=method, fingerprint=SHOP_FP
    )
    state = decode_consent_cookie(value)
    assert state is not None
    now = timestamp + offset
    expected = state.explicit and state.is_current(3, SHOP_FP, 90, now)
    assert (e.consent(f"samtycke={value}", now=now).source == "cookie") == expected


_shop_enforcer = Enforcer(load_declaration(Path(__file__).with_name("shop.toml")))
