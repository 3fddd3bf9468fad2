"""The fingerprint: blind to TOML layout, sensitive to everything a person sees."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.declaration import fingerprint, parse_declaration
from samtycke.declaration.fingerprint import canonical_json
from tests.profiles import examples

DATA: dict[str, Any] = {
    "site": {
        "id": "acme",
        "name": "Acme",
        "controller": "Acme AB",
        "contact": "privacy@acme.example",
        "domains": ["acme.example"],
        "languages": ["sv", "en"],
        "consent_days": 90,
        "revision": 1,
        "updated": dt.date(2026, 11, 1),
    },
    "categories": {"analytics": {"label": {"en": "Statistics", "sv": "Statistik"}}},
    "services": [
        {"id": "ga", "name": "Google Analytics", "provider": "Google", "category": "analytics"}
    ],
    "cookies": [
        {
            "name": "_ga",
            "service": "ga",
            "expires": "2 years",
            "purpose": {"sv": "Räknar.", "en": "Counts."},
        },
        {
            "name": "csrftoken",
            "category": "necessary",
            "expires": "1 year",
            "purpose": {"sv": "Skyddar.", "en": "Protects."},
        },
    ],
}


def value(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, dt.date)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"


def to_toml(data: dict[str, Any], order: Any = sorted, comment: str = "", gap: str = "\n") -> str:
    """Write ``data`` as TOML, with keys in ``order`` and the given comment and spacing."""

    def body(table: dict[str, Any]) -> str:
        return "".join(f"{k} = {value(table[k])}{comment}\n" for k in order(list(table)))

    out = [f"[site]{comment}\n" + body(data["site"])]
    for cid, cat in data["categories"].items():
        out.append(f"[categories.{cid}]\n" + body(cat))
    out += ["[[services]]\n" + body(s) for s in data["services"]]
    out += ["[[cookies]]\n" + body(c) for c in data["cookies"]]
    return gap.join(out)


BASE = fingerprint(parse_declaration(to_toml(DATA)))


# deadline=None: a loaded machine must not fail a test that asserts no time
@settings(max_examples=examples(40), deadline=None)
@given(
    st.randoms(use_true_random=False),
    st.sampled_from(["", "  # note", "\t# [[x]]"]),
    st.sampled_from(["\n", "\n\n\n"]),
)
def test_unchanged_by_key_order_comments_and_whitespace(rnd: Any, comment: str, gap: str) -> None:
    def shuffled(keys: list[str]) -> list[str]:
        rnd.shuffle(keys)
        return keys

    assert fingerprint(parse_declaration(to_toml(DATA, shuffled, comment, gap))) == BASE


def edited(path: tuple[Any, ...], new: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(DATA, default=str))
    data["site"]["updated"] = DATA["site"]["updated"]
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return data


@pytest.mark.parametrize(
    ("path", "new"),
    [
        (("site", "revision"), 2),
        (("site", "consent_days"), 180),
        (("site", "name"), "Acme Group"),
        (("site", "controller"), "Acme Holding AB"),
        (("site", "languages"), ["sv", "en", "de"]),
        (("categories", "analytics", "label", "sv"), "Statistiken"),
        (("services", 0, "provider"), "Alphabet"),
        (("cookies", 0, "purpose", "en"), "Counts visits."),
        (("cookies", 0, "expires"), "1 year"),
        (("cookies", 1, "category"), "functional"),
        (("cookies", 1, "name"), "csrf"),
    ],
)
def test_changed_by_anything_a_person_sees(path: tuple[Any, ...], new: Any) -> None:
    assert fingerprint(parse_declaration(to_toml(edited(path, new)))) != BASE


def test_is_sha256_of_the_canonical_json() -> None:
    import hashlib

    decl = parse_declaration(to_toml(DATA))
    assert hashlib.sha256(canonical_json(decl)).hexdigest() == BASE
    assert len(BASE) == 64
    content = json.loads(canonical_json(decl))
    assert content["site"]["revision"] == 1
    assert [c["id"] for c in content["categories"]] == ["necessary", "analytics"]
    # fallbacks are resolved: the person saw the Swedish text where English was missing
    assert content["cookies"][0]["purpose"] == {"sv": "Räknar.", "en": "Counts."}
