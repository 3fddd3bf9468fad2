"""The shared consent-cookie vectors, read by the Python codec (cookie.ts reads them in node)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from samtycke.consent import ConsentState, decode_consent_cookie, encode_consent_cookie

VECTORS = json.loads(Path(__file__).with_name("consent-cookie.json").read_text(encoding="utf-8"))
DECL = VECTORS["declaration"]


def as_contract(state: ConsentState | None) -> dict[str, Any] | None:
    """A decoded state in the vectors' shape (samtycke.contract.ConsentCookie's field names)."""
    if state is None:
        return None
    return {
        "id": state.consent_id,
        "revision": state.revision,
        "fingerprint": state.fingerprint,
        "timestamp": state.timestamp,
        "method": state.method,
        "categories": sorted(state.categories),
        "refused_services": sorted(state.refused_services),
    }


def names(kind: str) -> list[Any]:
    return [pytest.param(v, id=v["name"]) for v in VECTORS[kind]]


@pytest.mark.parametrize("case", names("decode"))
def test_decode(case: dict[str, Any]) -> None:
    assert as_contract(decode_consent_cookie(case["value"])) == case["state"]


@pytest.mark.parametrize("case", names("encode"))
def test_encode(case: dict[str, Any]) -> None:
    s = case["state"]
    value = encode_consent_cookie(
        s["categories"],
        s["revision"],
        s["id"],
        s["timestamp"],
        s["method"],
        s["refused_services"],
        fingerprint=s["fingerprint"],
    )
    assert value == case["value"]


@pytest.mark.parametrize("case", names("validity"))
def test_validity(case: dict[str, Any]) -> None:
    state = decode_consent_cookie(case["value"])
    assert state is not None
    current = state.is_current(
        DECL["revision"], DECL["fingerprint"], DECL["consent_days"], case["now"]
    )
    assert current is case["current"]


def test_the_vectors_cover_every_method_and_both_formats() -> None:
    decoded = [c["state"] for c in VECTORS["decode"] if c["state"]]
    assert {s["method"] for s in decoded} == {
        "accept-all", "reject-all", "custom", "withdraw", "gpc", "dnt"
    }  # fmt: skip
    assert {s["fingerprint"] is None for s in decoded} == {True, False}
    assert any(c["value"].endswith("\n") for c in VECTORS["decode"])
