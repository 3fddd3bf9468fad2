"""The packages' re-exports: there when asked for, imported only then."""

from __future__ import annotations

import pytest

import samtycke
import samtycke.ledger
import samtycke.server
from samtycke.declaration import load_declaration
from samtycke.ledger.store import Ledger
from tests.imports import loaded_after


def test_every_listed_name_is_there() -> None:
    for package in (samtycke, samtycke.ledger, samtycke.server):
        for name in package.__all__:
            assert getattr(package, name) is not None, f"{package.__name__}.{name}"
    assert samtycke.load_declaration is load_declaration
    assert samtycke.ledger.Ledger is Ledger


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = samtycke.ledger.nothing  # type: ignore[attr-defined]


def test_importing_samtycke_loads_neither_the_declaration_nor_the_metadata() -> None:
    loaded = loaded_after("import samtycke, samtycke.ids")
    assert "samtycke.declaration" not in loaded
    assert "importlib.metadata" not in loaded


def test_the_version_is_read_when_asked_for() -> None:
    loaded = loaded_after("import samtycke; samtycke.__version__")
    assert "importlib.metadata" in loaded
