"""samtycke — self-hosted cookie consent from one declaration file."""

from typing import TYPE_CHECKING

from samtycke.errors import DeclarationError, Problem, SamtyckeError
from samtycke.lazy import lazy_exports

if TYPE_CHECKING:
    from samtycke.declaration import Declaration, load_declaration
    from samtycke.version import __version__

__all__ = [
    "Declaration",
    "DeclarationError",
    "Problem",
    "SamtyckeError",
    "__version__",
    "load_declaration",
]

# Imported on first use: ``import samtycke.ids`` need not load the declaration
# models, and the version is read from the metadata only when asked for.
__getattr__ = lazy_exports(
    __name__,
    {
        "Declaration": "samtycke.declaration",
        "load_declaration": "samtycke.declaration",
        "__version__": "samtycke.version",
    },
)
