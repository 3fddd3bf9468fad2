"""Streaming insertion of the banner script, and the CSP nonce it carries."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.enforce import HtmlInjector, csp_nonce, script_tag
from samtycke.enforce.inject import is_injectable

TAG = script_tag("/samtycke.js")
PAGE = b"<!doctype html><html><head><title>x</title></HEAD><body><p>hi</p></body></html>"


def run(chunks: list[bytes], tag: bytes = TAG) -> tuple[bytes, bool]:
    injector = HtmlInjector(tag)
    out = b"".join(injector.feed(c) for c in chunks) + injector.finish()
    return out, injector.injected


def expected(page: bytes, tag: bytes = TAG) -> bytes:
    lower = page.lower()
    hits = [i for i in (lower.find(b"</head>"), lower.find(b"</body>")) if i >= 0]
    if not hits:
        return page
    return page[: min(hits)] + tag + page[min(hits) :]


def test_the_tag_goes_before_head_end_even_when_the_marker_is_split() -> None:
    out, injected = run([PAGE[:45], PAGE[45:47], PAGE[47:]])
    assert injected
    assert out == PAGE.replace(b"</HEAD>", TAG + b"</HEAD>")


def test_without_head_end_the_tag_goes_before_body_end() -> None:
    out, _ = run([b"<p>a</p></bo", b"dy>"])
    assert out == b"<p>a</p>" + TAG + b"</body>"


def test_a_page_without_markers_is_unchanged() -> None:
    out, injected = run([b"<p>just", b" a fragment</p>"])
    assert out == b"<p>just a fragment</p>" and not injected


@settings(deadline=None)  # a loaded machine must not fail a test that asserts no time
@given(st.data())
def test_any_chunking_gives_the_same_result(data: st.DataObject) -> None:
    page = data.draw(
        st.sampled_from([PAGE, b"<body>x</BODY>", b"no markers at all", b"</head></head>", b""])
    )
    cuts = sorted(data.draw(st.lists(st.integers(0, len(page)), max_size=6)))
    chunks = [page[a:b] for a, b in zip([0, *cuts], [*cuts, len(page)], strict=True)]
    assert run(chunks)[0] == expected(page)


@settings(deadline=None)  # a loaded machine must not fail a test that asserts no time
@given(st.lists(st.binary(max_size=40), max_size=8))
def test_arbitrary_bytes_pass_through_with_at_most_one_tag(chunks: list[bytes]) -> None:
    joined = b"".join(chunks)
    out, _ = run(chunks)
    assert out == expected(joined)


def test_script_tag_escapes_and_carries_the_nonce() -> None:
    assert (
        script_tag('/a.js?x="1"&y') == b'<script src="/a.js?x=&quot;1&quot;&amp;y" defer></script>'
    )
    assert script_tag("/s.js", "abc") == b'<script src="/s.js" defer nonce="abc"></script>'


def test_the_nonce_comes_from_the_directive_that_governs_scripts() -> None:
    assert csp_nonce(["default-src 'self'; script-src 'self' 'nonce-r4nd0m=='"]) == "r4nd0m=="
    assert csp_nonce(["script-src-elem 'nonce-elem'; script-src 'nonce-other'"]) == "elem"
    assert csp_nonce(["default-src 'nonce-dflt'"]) == "dflt"
    # script-src present without a nonce: default-src's nonce does not apply.
    assert csp_nonce(["default-src 'nonce-dflt'; script-src 'self'"]) is None
    assert csp_nonce(["img-src 'nonce-x'"]) is None
    assert csp_nonce(["script-src 'nonce-\"><script>'"]) is None
    assert csp_nonce([]) is None
    assert csp_nonce(["style-src 'self'", "script-src 'nonce-second'"]) == "second"


def test_only_uncompressed_html_is_touched() -> None:
    assert is_injectable("text/html; charset=utf-8", None)
    assert is_injectable("Text/HTML", "identity")
    assert not is_injectable("text/html", "gzip")
    assert not is_injectable("application/json", None)
    assert not is_injectable(None, None)
