"""A probe of what an import costs: the modules it loads in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """\
import sys
before = set(sys.modules)
exec(sys.argv[1])
print("\\n".join(sorted(set(sys.modules) - before)))
"""


def loaded_after(statement: str) -> frozenset[str]:
    """The modules a fresh ``python -P`` loads to run ``statement``, beyond its own start-up.

    The light entry points (verify's checker process, ``import samtycke``, the
    CLI's group) are started again and again; a test names what each must not
    pull in, so a stray top-level import shows up as a failure, not as a slow run.
    """
    done = subprocess.run(
        [sys.executable, "-P", "-c", _PROBE, statement],
        capture_output=True,
        text=True,
        check=True,
    )
    return frozenset(done.stdout.split())
