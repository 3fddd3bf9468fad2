"""The canonical record form and the link hash (hypothesis)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.ledger import GENESIS_HASH, Decision, canonical_record, link_hash, seal
from samtycke.ledger.records import format_us
from tests.profiles import examples

hexes = st.text("0123456789abcdef", min_size=32, max_size=32)
slugs = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
texts = st.text(max_size=40)
decisions = st.builds(
    Decision,
    record_id=hexes,
    consent_id=hexes,
    site=slugs,
    revision=st.integers(1, 10_000),
    fingerprint=st.text("0123456789abcdef", min_size=64, max_size=64),
    language=st.sampled_from(["sv", "en", "fi", "nb", "de"]),
    method=st.sampled_from(["accept-all", "reject-all", "custom", "withdraw", "gpc", "dnt"]),
    choices=st.dictionaries(slugs, st.booleans(), max_size=6),
    url=st.none() | texts,
    ip=st.none() | texts,
    user_agent=st.none() | texts,
)
times = st.integers(0, 4_102_444_800_000_000)  # up to 2100


@given(decisions, st.integers(1, 2**40), times)
def test_canonical_form_is_plain_sorted_json(d: Decision, seq: int, us: int) -> None:
    raw = canonical_record(seq, us, d)
    data = json.loads(raw)
    assert list(data) == sorted(data)
    assert raw.isascii()
    assert raw == json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    assert data["seq"] == seq and data["recorded_at"] == format_us(us)
    assert data["choices"] == dict(d.choices)


@given(decisions, st.integers(1, 1000), times)
def test_choice_order_does_not_change_the_bytes(d: Decision, seq: int, us: int) -> None:
    flipped = dataclasses.replace(d, choices=dict(reversed(list(d.choices.items()))))
    assert canonical_record(seq, us, d) == canonical_record(seq, us, flipped)


@given(decisions, decisions, st.integers(1, 1000), times)
def test_different_content_gives_a_different_hash(
    a: Decision, b: Decision, seq: int, us: int
) -> None:
    same = canonical_record(seq, us, a) == canonical_record(seq, us, b)
    assert same == (a == b or _same_content(a, b))
    if not same:
        assert seal(seq, us, GENESIS_HASH, a).hash != seal(seq, us, GENESIS_HASH, b).hash


@given(decisions, st.integers(1, 1000), times, st.sampled_from(["seq", "time", "prev"]))
def test_place_and_time_and_predecessor_are_bound(
    d: Decision, seq: int, us: int, what: str
) -> None:
    base = seal(seq, us, GENESIS_HASH, d)
    moved = {
        "seq": lambda: seal(seq + 1, us, GENESIS_HASH, d),
        "time": lambda: seal(seq, us + 1, GENESIS_HASH, d),
        "prev": lambda: seal(seq, us, "1" * 64, d),
    }[what]()
    assert moved.hash != base.hash


def test_link_hash_is_sha256_of_raw_prev_then_record() -> None:
    import hashlib

    raw = b'{"x":1}'
    assert link_hash("ab" * 32, raw) == hashlib.sha256(bytes.fromhex("ab" * 32) + raw).hexdigest()


def test_time_format() -> None:
    assert format_us(0) == "1970-01-01T00:00:00.000000Z"
    assert format_us(1_700_000_000_123_456) == "2023-11-14T22:13:20.123456Z"


_FIRST_US = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z
_LAST_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z


@given(us=st.integers(_FIRST_US, _LAST_US))
def test_time_format_is_utc_to_the_microsecond_for_every_time(us: int) -> None:
    import datetime as dt

    # strftime's own text, as the hashed times have always been written (its %Y
    # does not pad the years before 1000 to four digits)
    at = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=us)
    assert format_us(us) == at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_time_outside_the_years_1_to_9999_overflows() -> None:
    for us in (_FIRST_US - 1, _LAST_US + 1):
        with pytest.raises(OverflowError):
            format_us(us)


def _same_content(a: Decision, b: Decision) -> bool:
    return dataclasses.replace(a, choices=dict(sorted(a.choices.items()))) == dataclasses.replace(
        b, choices=dict(sorted(b.choices.items()))
    )


_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=examples(200), deadline=None)
@given(
    fmt=st.sampled_from([1, 2]),
    site=_TEXT,
    url=st.none() | _TEXT,
    ua=st.none() | _TEXT,
    language=_TEXT,
    source=_TEXT,
    services=st.lists(_TEXT, max_size=3),
    choices=st.dictionaries(_TEXT, st.booleans(), max_size=4),
    seq=st.integers(-(2**63), 2**63 - 1),
)
def test_the_canonical_form_is_the_documented_json_dumps(
    fmt: int,
    site: str,
    url: str | None,
    ua: str | None,
    language: str,
    source: str,
    services: list[str],
    choices: dict[str, bool],
    seq: int,
) -> None:
    """Written out key by key for speed; byte for byte what docs/ledger.md says."""
    d = Decision(
        record_id="a" * 32, consent_id="b" * 32, site=site, revision=seq % 1000,
        fingerprint="c" * 64, language=language, method="custom", choices=choices, url=url,
        ip=None, user_agent=ua, decision_id=None if seq % 2 else "d" * 32,
        refused_services=tuple(services), source=source,
    )  # fmt: skip
    content = {
        "format": fmt, "seq": seq, "record_id": d.record_id, "consent_id": d.consent_id,
        "site": site, "recorded_at": "2026-01-01T00:00:00.000000Z", "revision": d.revision,
        "fingerprint": d.fingerprint, "language": language, "method": "custom",
        "choices": choices, "url": url, "ip": None, "user_agent": ua,
    }  # fmt: skip
    if fmt == 2:
        content |= {"decision_id": d.decision_id, "refused_services": services, "source": source}
    expected = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert canonical_record(seq, 1_767_225_600_000_000, d, fmt) == expected.encode()


# A record with escapes, non-ASCII text and every optional field, sealed by
# samtycke when format 2 shipped: its bytes and hash must never change, however
# the encoder is written (format 1 pinned alike, for samtycke 0.1's rows).
_PINNED = Decision(
    record_id="0123456789abcdef0123456789abcdef", consent_id="fedcba9876543210fedcba9876543210",
    site="shop", revision=3, fingerprint="ab" * 32, language="sv", method="custom",
    choices={"necessary": True, "analytics": False, "marketing": True},
    url='https://exempel.se/köp?q="å"', ip="203.0.113.0", user_agent="Mozilla/5.0 \u2603",
    decision_id="1" * 32, refused_services=("hotjar", "ga"), source="settings",
)  # fmt: skip
_PINNED_HASH = {
    1: "af3f6d6a6ff771e5f56d383d713e84beaa04f84f779d6fad66ab8b7d5a012dcb",
    2: "de15eb4369a2731355fa742d74de5226d08016e38d56cb9898c0c865f7405f35",
}


def test_a_known_record_keeps_its_bytes_and_hash() -> None:
    from samtycke.ledger.records import Record
    from samtycke.ledger.rows import decode_record, record_values

    us, prev = 1_767_225_600_123_456, "cd" * 32
    raw = canonical_record(42, us, _PINNED)
    assert raw.startswith(b'{"choices":{"analytics":false,"marketing":true,"necessary":true},')
    assert b'"url":"https://exempel.se/k\\u00f6p?q=\\"\\u00e5\\""' in raw
    assert seal(42, us, prev, _PINNED).hash == _PINNED_HASH[2]
    for fmt, digest in _PINNED_HASH.items():
        assert link_hash(prev, canonical_record(42, us, _PINNED, fmt)) == digest
        stored = Record(42, us, prev, digest, _PINNED, fmt)
        if fmt == 1:  # format 1 rows hold no decision id, refused services or source
            bare = dataclasses.replace(
                _PINNED, decision_id=None, refused_services=(), source="banner"
            )
            stored = Record(42, us, prev, digest, bare, fmt)
        read = decode_record(record_values(stored))
        assert read.canonical() == canonical_record(42, us, stored.decision, fmt)
        assert link_hash(prev, read.canonical()) == digest


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_compact_json_writes_what_json_dumps_writes(value: object) -> None:
    from samtycke.ledger.records import compact_json

    want = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert compact_json(value) == want


def test_compact_json_refuses_what_json_cannot_write() -> None:
    from samtycke.ledger.records import compact_json

    with pytest.raises(TypeError, match="not JSON serializable"):
        compact_json({"when": object()})


@given(decisions, st.integers(1, 2**40), times)
def test_record_values_puts_each_value_in_its_column(d: Decision, seq: int, us: int) -> None:
    from samtycke.ledger.rows import RECORD_COLUMNS, record_values

    rec = seal(seq, us, GENESIS_HASH, d)
    row = dict(zip(RECORD_COLUMNS, record_values(rec), strict=True))
    shown = rec.as_dict()
    shown["recorded_us"] = us
    shown["choices"] = json.dumps(shown["choices"], separators=(",", ":"))
    shown["refused_services"] = json.dumps(shown["refused_services"], separators=(",", ":"))
    assert row == {c: shown[c] for c in RECORD_COLUMNS}
