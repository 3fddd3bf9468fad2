"""The consent cookie codec: every value it writes reads back as written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtycke.consent import METHOD_CODES, decode_consent_cookie, encode_consent_cookie

slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
hexes = st.text("0123456789abcdef", min_size=64, max_size=64)


@given(
    cats=st.sets(slug, max_size=20),
    refused=st.sets(slug, max_size=20),
    revision=st.integers(1, 10**12 - 1),
    timestamp=st.integers(0, 10**12 - 1),
    method=st.sampled_from(sorted(METHOD_CODES)),
    cid=st.text("0123456789abcdef", min_size=32, max_size=32),
    fp=hexes,
)
def test_round_trip(
    cats: set[str],
    refused: set[str],
    revision: int,
    timestamp: int,
    method: str,
    cid: str,
    fp: str,
) -> None:
    value = encode_consent_cookie(cats, revision, cid, timestamp, method, refused, fingerprint=fp)
    state = decode_consent_cookie(value)
    assert state is not None
    assert state.categories == frozenset(cats | {"necessary"})
    assert state.refused_services == frozenset(refused)
    assert (state.consent_id, state.revision, state.timestamp, state.method) == (
        cid,
        revision,
        timestamp,
        method,
    )
    assert state.fingerprint == fp[:12]
    assert state.is_current(revision, fp, 1, timestamp)


@given(st.text(max_size=300))
def test_decoding_is_total(value: str) -> None:
    decode_consent_cookie(value)  # never raises, whatever the browser sends


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fingerprint": "XYZ"}, "fingerprint"),
        ({"fingerprint": "a" * 64, "consent_id": "nope"}, "consent id"),
        ({"fingerprint": "a" * 64, "timestamp": -1}, "before 1970"),
        ({"fingerprint": "a" * 64, "method": "maybe"}, "method"),
    ],
)
def test_values_the_format_cannot_carry_are_refused(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        encode_consent_cookie(["analytics"], 1, **kwargs)  # type: ignore[arg-type]
