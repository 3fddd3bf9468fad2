"""What the policy page says and how it is built, in every language."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from html import escape, unescape
from typing import Any

import pytest

from samtycke import locales
from samtycke.declaration import Declaration, fingerprint
from samtycke.errors import LocaleError
from samtycke.policy import render_policy

LANGUAGES = ("sv", "en", "fi", "nb", "de")
DAY = dt.date(2026, 3, 9)

# Written out by hand, not read from the catalog, so a wrong catalog fails here.
EXPECTED = {
    "sv": {"h1": "Cookiepolicy", "2y": "2 år", "1d": "1 dag", "30d": "30 dagar", "date": "9 mars 2026"},
    "en": {"h1": "Cookie policy", "2y": "2 years", "1d": "1 day", "30d": "30 days", "date": "9 March 2026"},
    "fi": {"h1": "Evästekäytäntö", "2y": "2 vuotta", "1d": "1 päivä", "30d": "30 päivää", "date": "9. maaliskuuta 2026"},
    "nb": {"h1": "Erklæring om informasjonskapsler", "2y": "2 år", "1d": "1 dag", "30d": "30 dager", "date": "9. mars 2026"},
    "de": {"h1": "Cookie-Richtlinie", "2y": "2 Jahre", "1d": "1 Tag", "30d": "30 Tage", "date": "9. März 2026"},
}  # fmt: skip
SESSION = {"sv": "Session", "en": "Session", "fi": "Istunto", "nb": "Økt", "de": "Sitzung"}
PERSISTENT = {
    "sv": "Tills du raderar den",
    "en": "Until you delete it",
    "fi": "Kunnes poistat sen",
    "nb": "Til du sletter den",
    "de": "Bis Sie es löschen",
}


def section(html: str, section_id: str) -> str:
    """The text of one h2 section, tags removed."""
    m = re.search(rf'<h2 id="{section_id}">(.*?)(?=<h2 |</section>)', html, re.S)
    assert m, f"no section {section_id}"
    return unescape(re.sub(r"<[^>]+>", "", m.group(1)))


def row_of(html: str, name: str) -> list[str]:
    """The cells of the table row whose header is the cookie ``name``."""
    m = re.search(rf'<tr><th scope="row"><code>{re.escape(name)}</code></th>(.*?)</tr>', html)
    assert m, f"no row for {name}"
    return [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td>(.*?)</td>", m.group(1))]


@pytest.fixture(scope="module")
def pages(small: Declaration) -> dict[str, str]:
    return {
        lang: render_policy(small, lang, updated=DAY, script_src="/samtycke.js")
        for lang in LANGUAGES
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_is_complete_valid_html(
    pages: dict[str, str], lang: str, check_html: Callable[[str], Any]
) -> None:
    html = pages[lang]
    doc = check_html(html)
    assert doc.errors == []
    assert doc.doctype is not None and doc.doctype.lower() == "doctype html"
    assert doc.find("html") == [{"lang": lang}]
    assert {"charset": "utf-8"} in doc.find("meta")
    assert any(m.get("name") == "viewport" for m in doc.find("meta"))
    assert re.search(r"<title>[^<]*Kaffebryggeriet</title>", html)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headings_one_h1_and_no_skipped_level(
    pages: dict[str, str], lang: str, check_html: Callable[[str], Any]
) -> None:
    headings = check_html(pages[lang]).headings
    assert [h for h in headings if h[0] == 1] == [(1, EXPECTED[lang]["h1"])]
    assert headings[0][0] == 1
    for (before, _), (after, text) in itertools.pairwise(headings):
        assert after <= before + 1, f"heading {text!r} skips from h{before} to h{after}"
    assert all(text for _, text in headings)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tables_have_scoped_headers_and_captions(
    pages: dict[str, str], lang: str, check_html: Callable[[str], Any]
) -> None:
    html = pages[lang]
    doc = check_html(html)
    tables = html.count("<table>")
    # necessary, functional, analytics each have cookies; plus the storage table
    assert tables == 4
    assert html.count("<caption>") == tables
    scopes = [th.get("scope") for th in doc.find("th")]
    assert scopes.count("col") == 5 * 3 + 5
    assert scopes.count("row") == 4 + 1  # four cookies, one storage key
    assert set(scopes) == {"col", "row"}
    headers = re.findall(r'<th scope="col">([^<]*)</th>', html)[:5]
    assert headers == [
        unescape(escape(locales.text(lang, f"table.{k}")))
        for k in ("name", "provider", "belongs_to", "expires", "purpose")
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_settings_button_reopens_the_banner(
    pages: dict[str, str], lang: str, check_html: Callable[[str], Any]
) -> None:
    buttons = check_html(pages[lang]).find("button")
    assert buttons == [{"type": "button", "data-samtycke-action": "settings"}]
    assert "samtycke-change" in pages[lang].split("data-samtycke-action")[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_localized_expiry_in_tables(pages: dict[str, str], lang: str) -> None:
    html = pages[lang]
    assert row_of(html, "_ga")[2] == EXPECTED[lang]["2y"]
    assert row_of(html, "_gid")[2] == EXPECTED[lang]["1d"]
    assert row_of(html, "recent")[2] == EXPECTED[lang]["30d"]
    assert row_of(html, "sessionid")[2].startswith(SESSION[lang])
    # localStorage without a declared lifetime stays until deleted
    assert row_of(html, "theme")[2] == PERSISTENT[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_third_party_cookies_are_marked(pages: dict[str, str], lang: str) -> None:
    mark = locales.text(lang, "table.third_party")
    assert row_of(pages[lang], "_gid")[1] == f"analytics.example ({mark})"
    assert row_of(pages[lang], "_ga")[1] == "kaffe.example"
    # The provider: the service's, else the site's own controller.
    assert row_of(pages[lang], "_ga")[0] == "Google"
    assert row_of(pages[lang], "sessionid")[0] == "Kaffebryggeriet AB"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_purposes_are_in_the_page_language(pages: dict[str, str], lang: str) -> None:
    purpose = {
        "sv": "Håller dig inloggad.",
        "en": "Keeps you logged in.",
        "fi": "Pitää sinut kirjautuneena.",
        "nb": "Holder deg innlogget.",
        "de": "Hält Sie angemeldet.",
    }
    assert row_of(pages[lang], "sessionid")[3] == purpose[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_consent_days_controller_revision_and_date(pages: dict[str, str], lang: str) -> None:
    html = pages[lang]
    assert "45" in section(html, "samtycke-consent")
    assert "90" not in section(html, "samtycke-consent")
    controller = section(html, "samtycke-controller")
    assert "Kaffebryggeriet AB" in controller
    assert "integritet@kaffe.example" in controller
    assert 'href="mailto:integritet@kaffe.example"' in html
    assert 'href="https://kaffe.example/integritet"' in html
    changes = section(html, "samtycke-changes")
    assert " 7" in changes
    assert EXPECTED[lang]["date"] in changes
    assert '<time datetime="2026-03-09">' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_third_party_policy_links(pages: dict[str, str], lang: str) -> None:
    parties = section(pages[lang], "samtycke-parties")
    assert "Google Analytics" in parties
    assert "kaffe.example" in parties
    assert 'href="https://policies.google.com/technologies/cookies"' in pages[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("dnt", "gpc"),
    [
        ("necessary-and-functional", "necessary-and-functional"),
        ("ignore", "ignore"),
        ("ignore", "necessary-and-functional"),
        ("necessary-and-functional", "ignore"),
    ],
)
def test_dnt_and_gpc_text_follows_the_settings(
    make_small: Callable[..., Declaration], lang: str, dnt: str, gpc: str
) -> None:
    html = render_policy(make_small(dnt=dnt, gpc=gpc), lang, updated=DAY)
    signals = section(html, "samtycke-signals")
    for key, setting in (("dnt", dnt), ("gpc", gpc)):
        honoured = locales.text(lang, f"policy.{key}_honoured")
        ignored = locales.text(lang, f"policy.{key}_ignored")
        assert honoured != ignored
        if setting == "ignore":
            assert ignored in signals and honoured not in signals
        else:
            assert honoured in signals and ignored not in signals


def test_every_category_has_a_section_with_its_description(pages: dict[str, str]) -> None:
    categories = section(pages["en"], "samtycke-categories")
    for label in ("Necessary", "Functional", "Analytics"):
        assert label in categories
    assert "Marketing" not in categories  # not used by this site
    assert "always on" in categories


def test_page_carries_revision_and_fingerprint(small: Declaration, pages: dict[str, str]) -> None:
    assert f'data-samtycke-fingerprint="{fingerprint(small)}"' in pages["sv"]
    assert 'data-samtycke-revision="7"' in pages["sv"]


def test_fragment_is_only_the_section(
    small: Declaration, pages: dict[str, str], check_html: Callable[[str], Any]
) -> None:
    fragment = render_policy(small, "de", fragment=True, updated=DAY)
    assert fragment.startswith('<section class="samtycke-policy" lang="de"')
    assert fragment.rstrip().endswith("</section>")
    assert "<html" not in fragment and "<head" not in fragment and "<style" not in fragment
    assert check_html(fragment).errors == []
    assert fragment in pages["de"]


def test_date_defaults_to_site_updated_then_today(small: Declaration) -> None:
    assert '<time datetime="2026-03-09">' in render_policy(small, "en")
    assert '"updated": "2026-03-09"' in render_policy(small, "en", "json")
    undated = small_without_date(small)
    today = dt.date.today().isoformat()
    assert f'<time datetime="{today}">' in render_policy(undated, "en")


def small_without_date(decl: Declaration) -> Declaration:
    from dataclasses import replace

    return replace(decl, site=replace(decl.site, updated=None))


def test_markdown_has_the_same_parts(small: Declaration) -> None:
    md = render_policy(small, "sv", "md", updated=DAY)
    assert md.startswith("# Cookiepolicy\n")
    assert "| Namn | Leverantör | Tillhör | Upphör | Därför använder vi den |" in md
    assert "| `_ga` | Google | kaffe.example | 2 år | Skiljer besökare åt. |" in md
    assert 'data-samtycke-action="settings"' in md
    assert "[integritet@kaffe.example](<mailto:integritet@kaffe.example>)" in md
    assert "9 mars 2026" in md
    levels = [len(m) for m in re.findall(r"^(#+) ", md, re.M)]
    assert levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_language_not_offered_is_an_error(small: Declaration) -> None:
    from dataclasses import replace

    only_sv = replace(small, site=replace(small.site, languages=("sv",)))
    with pytest.raises(LocaleError, match="does not offer language 'de'"):
        render_policy(only_sv, "de")


def test_unknown_format_is_an_error(small: Declaration) -> None:
    with pytest.raises(ValueError, match="unknown policy format 'pdf'"):
        render_policy(small, "sv", "pdf")


def test_the_structure_checker_itself_catches_bad_nesting(check_html: Callable[[str], Any]) -> None:
    assert check_html("<p><b>x</p></b>").errors
    assert check_html("<section><p>x</p>").errors
    assert check_html("<p>x</p><br>").errors == []


def _with_policy_url(decl: Declaration, url: str | None) -> Declaration:
    from dataclasses import replace

    return replace(decl, site=replace(decl.site, policy_url=url))


def test_links_to_the_policy_in_the_other_languages(
    small: Declaration, check_html: Callable[[str], Any]
) -> None:
    html = render_policy(_with_policy_url(small, "/cookies/{lang}.html"), "sv", updated=DAY)
    links = [a for a in check_html(html).find("a") if a.get("hreflang")]
    assert [(a["href"], a["lang"]) for a in links] == [
        ("/cookies/en.html", "en"),
        ("/cookies/fi.html", "fi"),
        ("/cookies/nb.html", "nb"),
        ("/cookies/de.html", "de"),
    ]
    assert "Policyn på andra språk:" in html
    assert '<a href="/cookies/fi.html" lang="fi" hreflang="fi">Suomi</a>' in html


@pytest.mark.parametrize(
    "url", [None, "/cookies.html", "javascript:alert(1)//{lang}", '/c/{lang}" onclick="x']
)
def test_no_language_links_without_a_safe_url_naming_the_language(
    small: Declaration, url: str | None
) -> None:
    html = render_policy(_with_policy_url(small, url), "sv", updated=DAY)
    assert "hreflang" not in html
    assert "Policyn på andra språk" not in html


def test_a_service_purpose_follows_its_policy_link(small: Declaration) -> None:
    from dataclasses import replace

    from samtycke.declaration import LocalText

    ga = replace(small.services[0], purpose=LocalText({"sv": "Besöksstatistik."}, "sv"))
    html = render_policy(replace(small, services=(ga,)), "en", updated=DAY)
    parties = section(html, "samtycke-parties")
    assert "Google Analytics from Google: privacy policy – Besöksstatistik." in parties
