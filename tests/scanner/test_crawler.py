"""URL normalisation and what counts as the same site."""

from __future__ import annotations

from samtycke.scanner.crawler import normalize_url, same_site


def test_normalize_and_same_site() -> None:
    assert normalize_url("HTTPS://Ex.com#x") == "https://ex.com/"
    assert normalize_url("javascript:void(0)") is None
    assert same_site("https://blog.ex.com/", "https://www.ex.com/")
    assert not same_site("https://notex.com/", "https://ex.com/")
