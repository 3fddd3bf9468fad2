"""Turning the contract's dataclasses into JSON Schema and TypeScript.

The contract (contract.py) is written as Python types; this module reads
those types, so the OpenAPI document and ``banner/src/contract.ts`` cannot
drift from them. Only the shapes the contract uses are understood: ``str``,
``int``, ``bool``, ``None``, ``Any``, ``Literal``, unions, ``list``,
``dict[str, …]`` and other contract dataclasses; anything else is a
programming error and raises ``TypeError``.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

NONE = type(None)


@dataclass(frozen=True)
class Rule:
    """Constraints and a description of one field, attached with ``Annotated``."""

    description: str | None = None
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    max_items: int | None = None
    format: str | None = None

    def schema(self) -> dict[str, Any]:
        """The JSON Schema keywords of this rule."""
        names = {"max_length": "maxLength", "max_items": "maxItems"}
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[names.get(f.name, f.name)] = value
        return out


@dataclass(frozen=True)
class Field:
    """One field of a contract model: its name, type (rules stripped), rules and whether required."""

    name: str
    type: Any
    rule: Rule
    required: bool


def model_fields(cls: type) -> list[Field]:
    """The fields of the contract dataclass ``cls``, in declaration order."""
    hints = typing.get_type_hints(cls, include_extras=True)
    out = []
    for f in dataclasses.fields(cls):
        tp, rule = _strip(hints[f.name])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append(Field(f.name, tp, rule, required))
    return out


def field_names(cls: type) -> tuple[str, ...]:
    """The JSON keys of ``cls``."""
    return tuple(f.name for f in dataclasses.fields(cls))


def required_names(cls: type) -> tuple[str, ...]:
    """The JSON keys ``cls`` cannot do without."""
    return tuple(f.name for f in model_fields(cls) if f.required)


def _strip(tp: Any) -> tuple[Any, Rule]:
    """A type without its ``Annotated`` rules, and those rules merged (later ones win)."""
    merged: dict[str, Any] = {}
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        for meta in args[1:]:
            if isinstance(meta, Rule):
                merged.update(_set(meta))
        tp = args[0]
    if _is_union(tp):
        # Rules written on a member (Hex32 | None) belong to the field.
        parts = []
        for arg in typing.get_args(tp):
            inner, rule = _strip(arg)
            merged = {**_set(rule), **merged}
            parts.append(inner)
        tp = _union(parts)
    return tp, Rule(**merged)


def _set(rule: Rule) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(rule).items() if v is not None}


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _union(parts: list[Any]) -> Any:
    return functools.reduce(operator.or_, parts)


# -- JSON Schema -----------------------------------------------------------------


def json_schema(tp: Any, ref: str = "#/components/schemas/") -> dict[str, Any]:
    """The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of one type."""
    tp, rule = _strip(tp)
    return {**_schema(tp, ref), **rule.schema()}


def _schema(tp: Any, ref: str) -> dict[str, Any]:
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is NONE:
        return {"type": "null"}
    if tp is Any:
        return {}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return {"$ref": ref + tp.__name__}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return {"type": "string", "enum": list(args)}
    if origin is list:
        return {"type": "array", "items": json_schema(args[0], ref)}
    if origin is dict and args[0] is str:
        value = json_schema(args[1], ref)
        return {"type": "object", **({"additionalProperties": value} if value else {})}
    if _is_union(tp):
        members = [json_schema(a, ref) for a in args]
        simple = [m for m in members if set(m) == {"type"}]
        if len(simple) == len(members):
            return {"type": [m["type"] for m in members]}
        return {"anyOf": members}
    raise TypeError(f"the contract cannot describe the type {tp!r}")


def object_schema(
    cls: type, *, closed: bool = False, ref: str = "#/components/schemas/"
) -> dict[str, Any]:
    """The JSON Schema of a contract dataclass (``closed``: no other keys allowed)."""
    fields = model_fields(cls)
    out: dict[str, Any] = {"type": "object"}
    if cls.__doc__:
        out["description"] = cls.__doc__.strip().splitlines()[0]
    if closed:
        out["additionalProperties"] = False
    out["required"] = [f.name for f in fields if f.required]
    out["properties"] = {f.name: {**_schema(f.type, ref), **f.rule.schema()} for f in fields}
    return out


def schemas(models: Iterable[type], closed: Iterable[type] = ()) -> dict[str, Any]:
    """``components.schemas`` for ``models``, by class name."""
    shut = set(closed)
    return {m.__name__: object_schema(m, closed=m in shut) for m in models}


# -- TypeScript ------------------------------------------------------------------


def typescript(models: Iterable[type], aliases: Mapping[str, Any] | None = None) -> str:
    """TypeScript declarations of ``models`` (and named ``aliases`` of literal types)."""
    named = dict(aliases or {})
    lines = [
        "// Generated by `python -m samtycke.contract_typescript` from src/samtycke/contract.py.",
        "// tests/test_contract.py fails when this file and the Python contract differ.",
        "",
    ]
    for name, tp in named.items():
        lines += [f"export type {name} = {_ts(tp, {})};", ""]
    for cls in models:
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        lines += [f"/** {doc} */", f"export interface {cls.__name__} {{"]
        for f in model_fields(cls):
            if f.rule.description:
                lines.append(f"  /** {f.rule.description} */")
            optional = "" if f.required else "?"
            lines.append(f"  {f.name}{optional}: {_ts(f.type, named)};")
        lines += ["}", ""]
    return "\n".join(lines)


def _ts(tp: Any, named: Mapping[str, Any]) -> str:
    tp, _ = _strip(tp)
    for name, alias in named.items():
        if tp == alias:
            return name
    simple = {str: "string", int: "number", bool: "boolean", NONE: "null", Any: "unknown"}
    if tp in simple:
        return simple[tp]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return tp.__name__
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return " | ".join(f'"{a}"' for a in args)
    if origin is list:
        inner = _ts(args[0], named)
        return f"({inner})[]" if "|" in inner else f"{inner}[]"
    if origin is dict:
        return f"Record<string, {_ts(args[1], named)}>"
    if _is_union(tp):
        return " | ".join(_ts(a, named) for a in args)
    raise TypeError(f"the contract cannot describe the type {tp!r}")
