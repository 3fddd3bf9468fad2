"""Writes the banner's contract types: ``python -m samtycke.contract_typescript > banner/src/contract.ts``.

A module of its own (not ``python -m samtycke.contract``), because importing
the package already imports the contract and ``-m`` would run it twice.
"""

from __future__ import annotations

from samtycke.contract import MODELS, TS_ALIASES
from samtycke.contract_rules import typescript


def contract_typescript() -> str:
    """The TypeScript declarations of every contract model."""
    return typescript(MODELS, TS_ALIASES)


if __name__ == "__main__":
    print(contract_typescript(), end="")
