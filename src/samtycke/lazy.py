"""Names a package re-exports, imported from their module on first use.

``samtycke`` and ``samtycke.ledger`` list their public API in ``__all__`` but
import it only when a name is asked for, so a program that needs one light
module (the CLI's ``check``, verify's checker process) does not load
SQLAlchemy and every declaration module on the way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name of ``homes`` comes from its module.

    The value found is stored in the package, so the hook runs once per name;
    any other name is an ``AttributeError`` as usual (which is also what lets
    ``from package import submodule`` import the submodule).
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return __getattr__
