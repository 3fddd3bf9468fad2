"""The suite's Hypothesis profiles, and example counts that follow the active one.

Every run loads ``suite``: no per-example deadline, because the properties
assert behaviour, never time, and a deadline fails them on a loaded machine.

``scripts/test --fast`` runs with ``--hypothesis-profile=fast``: each property
is still checked, on a tenth of the examples, so a quick run is quick; the full
run (``scripts/test``, CI) keeps every example. A test that sets its own count
writes it as ``@settings(max_examples=examples(200))`` so the profile scales it.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import settings

FULL_EXAMPLES = 100  # Hypothesis's default profile
FAST_EXAMPLES = 10

settings.register_profile("suite", deadline=None)
settings.register_profile("fast", parent=settings.get_profile("suite"), max_examples=FAST_EXAMPLES)
settings.load_profile("suite")


def examples(n: int) -> int:
    """``n`` examples under the default profile, the same share of them under the active one."""
    return max(1, math.ceil(n * settings.default.max_examples / FULL_EXAMPLES))


def fast() -> bool:
    """Whether this run loaded the profile ``fast``."""
    return settings.get_current_profile_name() == "fast"


def schemathesis_phases(config: Any) -> None:
    """Give a ``SchemathesisConfig`` the phases of this run.

    schemathesis's coverage phase builds a fixed set of cases from the API
    document (no example count scales it) while a module is collected, in every
    xdist worker alike, before the first test can start. The full run keeps it;
    the quick run fuzzes the same operations on its share of examples.
    """
    if fast():
        config.projects.default.phases.update(phases=["examples", "fuzzing", "stateful"])
