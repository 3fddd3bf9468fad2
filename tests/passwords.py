"""Console passwords in tests: argon2id at its lowest cost, and the real hasher kept aside.

RFC 9106's profile, which the console uses, costs 64 MiB and about 0.2 CPU-s
a hash or check, and the console, session and user tests make hundreds. What
they assert (who gets in, lockouts, sessions ending) does not depend on the
cost, so every test process hashes cheaply; ``tests/console/test_users.py``
checks the real parameters with ``REAL_HASHER``. A ``samtycke`` subprocess
still hashes as deployed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from samtycke.console import users

REAL_HASHER = users._HASHER
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@contextlib.contextmanager
def cheap_password_hashes() -> Iterator[None]:
    """The console's hasher (and its hash for unknown names) at the lowest cost, until left."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(users, "_HASHER", CHEAP_HASHER)
        mp.setattr(users, "_DUMMY", CHEAP_HASHER.hash("not a password of anybody"))
        yield
