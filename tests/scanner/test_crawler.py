"""The breadth-first frontier: same site, depth, page limit, robots.txt, no downloads."""

from __future__ import annotations

from samtycke.scanner.crawler import Frontier, normalize_url, parse_robots, same_site


def drain(f: Frontier, links: dict[str, list[str]]) -> list[tuple[str, int]]:
    out = []
    while (item := f.next()) is not None:
        out.append(item)
        f.add_links(links.get(item[0], []), item[0], item[1])
    return out


LINKS = {
    "https://ex.com/": [
        "/a",
        "b",
        "https://www.ex.com/c#top",
        "https://other.com/x",
        "/a#again",
        "mailto:x@ex.com",
        "/doc.pdf",
        "https://shop.ex.com/",
        "/private/1",
    ],
    "https://ex.com/a": ["/a/deeper"],
    "https://ex.com/a/deeper": ["/a/deepest"],
    "https://ex.com/a/deepest": ["/a/too-deep"],
}


def test_breadth_first_within_depth() -> None:
    robots = parse_robots("User-agent: *\nDisallow: /private\n", "https://ex.com/robots.txt")
    f = Frontier("https://ex.com/", max_pages=20, max_depth=3, robots=robots)
    assert drain(f, LINKS) == [
        ("https://ex.com/", 0),
        ("https://ex.com/a", 1),
        ("https://ex.com/b", 1),
        ("https://www.ex.com/c", 1),
        ("https://shop.ex.com/", 1),
        ("https://ex.com/a/deeper", 2),
        ("https://ex.com/a/deepest", 3),
    ]
    assert f.skipped == ["https://ex.com/private/1"]


def test_page_limit_and_no_robots() -> None:
    f = Frontier("https://ex.com/", max_pages=2, max_depth=3, robots=None)
    assert [u for u, _ in drain(f, LINKS)] == ["https://ex.com/", "https://ex.com/a"]
    g = Frontier("https://ex.com/", max_pages=20, max_depth=1, robots=None)
    assert "https://ex.com/private/1" in [u for u, _ in drain(g, LINKS)]


def test_normalize_and_same_site() -> None:
    assert normalize_url("HTTPS://Ex.com#x") == "https://ex.com/"
    assert normalize_url("javascript:void(0)") is None
    assert same_site("https://blog.ex.com/", "https://www.ex.com/")
    assert not same_site("https://notex.com/", "https://ex.com/")
