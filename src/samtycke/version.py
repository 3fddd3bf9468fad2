"""The installed package's version, read from its metadata only when asked for.

Reading the metadata costs an import of :mod:`importlib.metadata` and a walk of
``sys.path``; ``samtycke --version`` and the OpenAPI document need it, a plain
``import samtycke`` does not.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """The version samtycke is installed as (``0.0.0`` when run from a bare source tree)."""
    try:
        return version("samtycke")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


__version__ = package_version()
