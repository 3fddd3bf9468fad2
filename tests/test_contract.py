"""The contract is written once: the TypeScript side and the served shapes follow contract.py."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from samtycke.banner import banner_config
from samtycke.consent import METHODS, ConsentState
from samtycke.contract import (
    METHOD_NAMES,
    BannerConfig,
    ConsentCookie,
    ConsentRequest,
)
from samtycke.contract_rules import model_fields
from samtycke.contract_typescript import contract_typescript
from samtycke.declaration import load_declaration

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def test_contract_ts_is_generated_from_the_python_contract() -> None:
    committed = (ROOT / "banner" / "src" / "contract.ts").read_text(encoding="utf-8")
    assert committed == contract_typescript(), (
        "banner/src/contract.ts is stale: run "
        "`.venv/bin/python -m samtycke.contract_typescript > banner/src/contract.ts`"
    )


def test_the_banner_uses_the_contract_types() -> None:
    types_ts = (ROOT / "banner" / "src" / "types.ts").read_text(encoding="utf-8")
    send_ts = (ROOT / "banner" / "src" / "send.ts").read_text(encoding="utf-8")
    assert "BannerConfig as Config" in types_ts and 'from "./contract"' in types_ts
    assert "export type Body = ConsentRequest;" in send_ts


def _interface(text: str, name: str) -> dict[str, str]:
    body = re.search(r"interface " + name + r" \{(.*?)\n\}", text, re.S)
    assert body is not None, f"interface {name} not found"
    fields = re.findall(r"^\s+(?:readonly )?(\w+)\??: ([^;]+);", body.group(1), re.M)
    return dict(fields)


def test_the_public_consent_type_matches_the_cookie_contract() -> None:
    dts = (ROOT / "banner" / "samtycke.d.ts").read_text(encoding="utf-8")
    public = _interface(dts, "SamtyckeConsent")
    camel = {
        re.sub(r"_(\w)", lambda m: m.group(1).upper(), f.name) for f in model_fields(ConsentCookie)
    }
    assert set(public) == camel
    method = re.search(r"export type SamtyckeMethod = ([^;]+);", dts)
    assert method is not None
    assert re.findall(r'"([\w-]+)"', method.group(1)) == list(METHOD_NAMES)
    assert set(METHODS.values()) == set(METHOD_NAMES)


def conforms(value: Any, tp: Any, where: str = "$") -> None:
    """Assert that JSON ``value`` has the contract type ``tp`` (keys, nesting, JSON types)."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        assert isinstance(value, dict), where
        fields = {f.name: f for f in model_fields(tp)}  # type: ignore[arg-type]
        assert set(value) <= set(fields), (
            f"{where}: keys not in the contract {set(value) - set(fields)}"
        )
        missing = {n for n, f in fields.items() if f.required} - set(value)
        assert not missing, f"{where}: missing {missing}"
        for key, item in value.items():
            conforms(item, fields[key].type, f"{where}.{key}")
    elif origin in (typing.Union, types.UnionType):
        errors = []
        for arg in args:
            try:
                conforms(value, arg, where)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{where}: {value!r} is none of {args}: {errors}")
    elif origin is typing.Literal:
        assert value in args, f"{where}: {value!r} not in {args}"
    elif origin is list:
        assert isinstance(value, list), where
        for i, item in enumerate(value):
            conforms(item, args[0], f"{where}[{i}]")
    elif origin is dict:
        assert isinstance(value, dict), where
        for key, item in value.items():
            conforms(item, args[1], f"{where}.{key}")
    elif tp is type(None):
        assert value is None, where
    elif tp is Any:
        pass
    else:
        assert type(value) is tp, f"{where}: {value!r} is not {tp.__name__}"


@pytest.mark.parametrize("name", ["billogram", "bokio", "django", "flask", "fastapi"])
@pytest.mark.parametrize("purposes", [True, False])
def test_the_banner_config_has_the_contract_shape(name: str, purposes: bool) -> None:
    decl = load_declaration(EXAMPLES / name / "samtycke.toml")
    conforms(banner_config(decl, endpoint="/v1/consents", purposes=purposes), BannerConfig)
    conforms(banner_config(decl, gpc=True), BannerConfig)


def test_the_checker_itself_catches_a_drift() -> None:
    decl = load_declaration(EXAMPLES / "billogram" / "samtycke.toml")
    config = banner_config(decl)
    with pytest.raises(AssertionError, match="keys not in the contract"):
        conforms({**config, "palette": "dark"}, BannerConfig)
    with pytest.raises(AssertionError):
        conforms({**config, "revision": "1"}, BannerConfig)
    with pytest.raises(AssertionError, match="missing"):
        conforms({"site": "x"}, ConsentRequest)


def test_the_python_cookie_state_carries_every_contract_field() -> None:
    python_names = {"consent_id": "id"}  # the one field the codec names differently
    state = {python_names.get(f.name, f.name) for f in dataclasses.fields(ConsentState)}
    assert state == {f.name for f in model_fields(ConsentCookie)}
