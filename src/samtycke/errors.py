"""The exceptions samtycke raises.

Library code raises; only the CLI prints and chooses an exit code, read from the
``exit_code`` attribute of the exception::

    SamtyckeError                 exit 2  (input or usage problem)
    ├── DeclarationError          exit 1  the declaration is invalid (holds every problem)
    ├── DeclarationFileError      exit 2  the declaration cannot be read at all
    ├── LocaleError               exit 2  a locale file is missing or broken
    ├── LedgerError               exit 2  the ledger database cannot be used
    │   └── ChainError            exit 1  the hash chain does not verify
    │       └── ProofError        exit 1  a receipt, anchor or proof does not check out
    ├── BannerBuildError          exit 2  the banner assets cannot be built
    ├── ScanError                 exit 2  the scan cannot run (bad URL, no browser…)
    ├── MonitorError              exit 2  scheduled scans cannot run (no broker, unknown site)
    ├── ConsoleError              exit 2  a console user cannot be added, changed or removed
    └── ServeError                exit 3  the server cannot listen (port in use, no permission)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class SamtyckeError(Exception):
    """Base of every error samtycke raises on purpose."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One finding in a declaration file: where it is, what is wrong, how bad."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class DeclarationError(SamtyckeError):
    """The declaration has one or more errors; ``problems`` lists them all."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class DeclarationFileError(SamtyckeError):
    """The declaration file is missing, a directory or unreadable."""


class LocaleError(SamtyckeError):
    """A locale catalog is missing or malformed."""


class LedgerError(SamtyckeError):
    """The consent ledger cannot be opened, migrated or queried."""


class ChainError(LedgerError):
    """The ledger's hash chain is broken; names the first bad record."""

    exit_code = 1


class ProofError(ChainError):
    """A receipt, anchor or inclusion proof does not check out (exit 1)."""


class BannerBuildError(SamtyckeError):
    """The banner cannot be built."""


class ScanError(SamtyckeError):
    """A scan cannot run: bad URL, unreachable site or no browser."""


class MonitorError(SamtyckeError):
    """Scheduled scans cannot run: the broker does not answer, the site is not monitored."""


class ConsoleError(SamtyckeError):
    """A console user cannot be added, changed or removed (bad name, role or password)."""


class ServeError(SamtyckeError):
    """The server cannot start listening: the port is taken or not allowed."""

    exit_code = 3
