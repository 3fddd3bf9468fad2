"""samtycke — self-hosted cookie consent from one declaration file."""

from importlib.metadata import PackageNotFoundError, version

from samtycke.declaration import Declaration, load_declaration
from samtycke.errors import DeclarationError, Problem, SamtyckeError

try:
    __version__ = version("samtycke")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Declaration",
    "DeclarationError",
    "Problem",
    "SamtyckeError",
    "__version__",
    "load_declaration",
]
