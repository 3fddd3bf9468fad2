"""The knowledge base: samtycke's own services and Open Cookie Database CSV files."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.declaration.models import domains_related
from samtycke.declaration.patterns import matches
from samtycke.knowledge import (
    CATEGORIES,
    KnowledgeFileError,
    builtin_knowledge,
    load_knowledge,
    parse_ocd_csv,
)
from samtycke.knowledge.base import KnowledgeBase, KnownCookie, parse_services
from samtycke.knowledge.guess import guess_category
from samtycke.knowledge.ocd import PACKAGED_SOURCE, packaged_ocd
from tests.profiles import examples

# Unmodified rows of the Open Cookie Database (commit 0ee5a17, Apache-2.0) in
# tests/data; $SAMTYCKE_OCD_CSV points at the full file instead.
OCD = Path(
    os.environ.get(
        "SAMTYCKE_OCD_CSV",
        Path(__file__).resolve().parents[1] / "data/open-cookie-database/open-cookie-database.csv",
    )
)

REQUIRED_SERVICES = {
    "Google Analytics",
    "Google Ads",
    "DoubleClick",
    "Meta pixel",
    "LinkedIn Insight Tag",
    "Hotjar",
    "Microsoft Clarity",
    "Azure Application Insights",
    "HubSpot",
    "Intercom",
    "Stripe",
    "Cloudflare",
    "YouTube",
    "Vimeo",
    "TikTok pixel",
    "Pinterest tag",
    "Pardot (Account Engagement)",
    "ActiveCampaign",
    "Matomo",
    "Plausible Analytics",
    "Segment",
    "Mixpanel",
    "Amplitude",
    "Optimizely",
    "Vercel",
    "Netlify",
}


def test_builtin_lookups() -> None:
    kb = builtin_knowledge()
    got = {
        name: (k.service, k.category, k.expires) if (k := kb.lookup(name)) else None
        for name in (
            "_ga",
            "_ga_ABC123",
            "_gat_UA-1",
            "_fbp",
            "_hjSessionUser_99",
            "_pk_id.1.abcd",
            "mp_0123_mixpanel",
            "__stripe_mid",
            "nothing_known",
        )
    }
    assert got == {
        "_ga": ("Google Analytics", "analytics", "2 years"),
        "_ga_ABC123": ("Google Analytics", "analytics", "2 years"),
        "_gat_UA-1": ("Google Analytics", "analytics", "1 minute"),
        "_fbp": ("Meta pixel", "marketing", "90 days"),
        "_hjSessionUser_99": ("Hotjar", "analytics", "1 year"),
        "_pk_id.1.abcd": ("Matomo", "analytics", "13 months"),
        "mp_0123_mixpanel": ("Mixpanel", "analytics", "1 year"),
        "__stripe_mid": ("Stripe", "necessary", "1 year"),
        "nothing_known": None,
    }
    assert kb.tracker_host("www.google-analytics.com") == "Google Analytics"
    assert kb.tracker_host("plausible.io") == "Plausible Analytics"
    assert kb.tracker_host("example.com") is None


def test_builtin_covers_the_required_services() -> None:
    kb = builtin_knowledge()
    named = {c.service for c in kb.cookies} | set(kb.hosts.values())
    assert named >= REQUIRED_SERVICES


def test_builtin_lifetimes_use_the_expiry_grammar() -> None:
    from samtycke.declaration import parse_expiry

    for c in builtin_knowledge().cookies:
        if c.source == "samtycke":
            parse_expiry(c.expires or "")


def test_open_cookie_database_ships_in_the_package() -> None:
    kb = packaged_ocd()
    assert len(kb.cookies) == 2264
    folder = resources.files("samtycke.knowledge").joinpath("ocd")
    assert "Apache License" in folder.joinpath("LICENSE").read_text("utf-8")
    assert "Jack Kwakman" in folder.joinpath("NOTICE").read_text("utf-8")
    # LinkedIn's li_gc, unknown to samtycke's own list, is known out of the box
    li = builtin_knowledge().lookup("li_gc", "www.linkedin.com")
    assert li is not None and (li.service, li.category, li.source) == (
        "LinkedIn",
        "functional",
        PACKAGED_SOURCE,
    )


def test_every_listed_cookie_gets_a_category_and_a_service() -> None:
    kb = builtin_knowledge()
    for c in packaged_ocd().cookies:
        name = c.name.replace("*", "x")
        found = kb.lookup(name, c.domain)
        assert found is not None, c
        assert found.category in CATEGORIES and found.service, c


def test_unknown_names_get_a_guess_with_its_confidence() -> None:
    got = {
        (n, third): (g.category, g.confidence)
        for n, third in (
            ("cart_id", False),
            ("XSRF-TOKEN", False),
            ("userLang", False),
            ("visitorStats", False),
            ("ad_uid", True),
            ("consent_ads", False),
            ("zz9", False),
            ("zz9", True),
        )
        for g in [guess_category(n, third_party=third)]
    }
    assert got == {
        ("cart_id", False): ("functional", 0.4),
        ("XSRF-TOKEN", False): ("necessary", 0.6),
        ("userLang", False): ("functional", 0.4),
        ("visitorStats", False): ("analytics", 0.5),
        ("ad_uid", True): ("marketing", 0.5),
        # consent words come first: a consent cookie about ads is still consent
        ("consent_ads", False): ("necessary", 0.6),
        ("zz9", False): ("functional", 0.2),
        ("zz9", True): ("marketing", 0.3),
    }


def test_open_cookie_database_loads() -> None:
    kb = load_knowledge(OCD)
    # one entry per data row of the file
    assert len(kb.cookies) == len(OCD.read_text(encoding="utf-8").splitlines()) - 1
    ga = kb.lookup("_ga_XYZ")
    assert ga is not None and (ga.service, ga.category) == ("Google Analytics", "analytics")
    # a name tied to a third party's domain matches only on that domain
    assert kb.lookup("tp_something", "example.com") is None
    tp = kb.lookup("tp_something", "t.tailtarget.com")
    assert tp is not None and tp.category == "marketing"


def test_extend_prefers_the_users_file() -> None:
    kb = builtin_knowledge()
    kb.extend(
        parse_ocd_csv(
            "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,"
            "Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n"
            "1,Mine,Security,_ga,,,1 day,Me,,0\n"
            "2,Mine,Personalization,pref_,,,1 day,Me,,1\n",
            "mine.csv",
        )
    )
    ga, pref = kb.lookup("_ga"), kb.lookup("pref_dark")
    assert ga is not None and (ga.service, ga.category) == ("Mine", "necessary")
    assert pref is not None and (pref.name, pref.category) == ("pref_*", "functional")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a,b\n1,2\n",
            "x.csv: not in the Open Cookie Database CSV format (missing column 'Platform'",
        ),
        (
            "ID,Platform,Category,Cookie / Data Key name,Wildcard match\n1,P,Weird,n,0\n",
            "x.csv:2: row needs a cookie name and a category",
        ),
    ],
)
def test_bad_csv_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(KnowledgeFileError) as err:
        parse_ocd_csv(text, "x.csv")
    assert str(err.value).startswith(message)


def test_toml_knowledge_file(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text(
        '[[services]]\nname = "Acme"\nprovider = "Acme"\ncategory = "marketing"\n'
        'hosts = ["acme.test"]\ncookies = [{ name = "acme_*", expires = "1 day" }]\n',
        encoding="utf-8",
    )
    kb = load_knowledge(path)
    assert kb.lookup("acme_1") is not None and kb.tracker_host("px.acme.test") == "Acme"
    path.write_text(
        '[[services]]\nname = "A"\nprovider = "A"\ncategory = "ads"\n', encoding="utf-8"
    )
    with pytest.raises(KnowledgeFileError, match="unknown category 'ads'"):
        load_knowledge(path)


def _lookup_by_scan(kb: KnowledgeBase, name: str, domain: str | None) -> KnownCookie | None:
    """The rule written out over every entry: an exact name first, then the longest pattern."""
    fits = [
        c
        for c in kb.cookies
        if c.domain is None or domain is None or domains_related(c.domain, domain)
    ]
    exact = [c for c in fits if "*" not in c.name and c.name == name]
    if exact:
        return exact[0]
    found = [c for c in fits if "*" in c.name and matches(c.name, name)]
    return max(found, key=lambda c: len(c.name.replace("*", ""))) if found else None


@settings(max_examples=examples(100), deadline=None)
@given(st.data(), st.sampled_from(["", "x", "x1_2"]))
def test_the_indexed_lookup_is_the_rule_over_every_entry(data: st.DataObject, fill: str) -> None:
    kb = builtin_knowledge()
    known = data.draw(st.sampled_from(kb.cookies))
    domains = sorted({c.domain for c in kb.cookies if c.domain})
    domain = data.draw(st.one_of(st.none(), st.just("shop.example"), st.sampled_from(domains)))
    for name in (known.name.replace("*", fill), known.name, known.name[:-1]):
        assert kb.lookup(name, domain) == _lookup_by_scan(kb, name, domain)


def test_a_source_added_later_is_found_by_the_next_lookup() -> None:
    kb = builtin_knowledge()
    assert kb.lookup("made_up_cookie") is None
    kb.extend(parse_services(EXTRA, "extra"))
    found = kb.lookup("made_up_cookie")
    assert found is not None and found.service == "Made Up"


EXTRA = """
[[services]]
name = "Made Up"
provider = "Made Up AB"
category = "analytics"
cookies = [{ name = "made_up_cookie", expires = "1 day" }]
"""
