"""`samtycke user`: add, passwd and remove console users; one clear line per mistake."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.console.users import authenticate, list_users
from samtycke.ledger import Ledger


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert CliRunner().invoke(main, ["ledger", "migrate", "--db", url]).exit_code == 0
    return url


def user(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["user", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_add_passwd_remove(db: str) -> None:
    code, out, _ = user(
        "add", "ada", "--role", "admin", "--db", db, "--password-stdin", stdin="first password 1\n"
    )
    assert (code, out) == (0, "added admin ada\n")
    with Ledger(db) as led:
        assert authenticate(led.engine, "ada", "first password 1") is not None
    code, _, _ = user(
        "passwd",
        "ada",
        "--role",
        "viewer",
        "--db",
        db,
        "--password-stdin",
        stdin="second password 2\n",
    )
    assert code == 0
    with Ledger(db) as led:
        assert authenticate(led.engine, "ada", "first password 1") is None
        found = authenticate(led.engine, "ada", "second password 2")
        assert found is not None and found.role == "viewer"
    assert user("remove", "ada", "--db", db)[0] == 0
    with Ledger(db) as led:
        assert list_users(led.engine) == []


def test_the_prompt_asks_twice_on_a_terminal(db: str) -> None:
    # A real pseudo-terminal: the prompt is only offered where someone can type.
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "samtycke", "user", "add", "bo", "--db", db],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        close_fds=True,
    )
    os.close(follower)
    seen = b""
    for _ in range(2):
        while not seen.endswith(b": "):
            seen += os.read(leader, 1)
        os.write(leader, b"prompted password\r")
        seen += os.read(leader, 1)
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    assert b"Repeat for confirmation" in seen
    with Ledger(db) as led:
        assert [u.name for u in list_users(led.engine)] == ["bo"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["add", "Ada!", "--password-stdin"],
            "long enough pass\n",
            "user name 'Ada!' is not valid",
        ),
        (["add", "ada", "--password-stdin"], "short\n", "the password is too short (at least 12"),
        (["add", "ada", "--password-stdin"], "\n", "no password on standard input"),
        (["add", "ada"], "", "no terminal to ask for the password; pipe it with --password-stdin"),
        (["passwd", "zed", "--password-stdin"], "long enough pass\n", "no user 'zed'"),
        (["remove", "zed"], None, "no user 'zed'"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    db: str, args: list[str], stdin: str | None, message: str
) -> None:
    code, _, err = user(*args, "--db", db, stdin=stdin)
    assert code == 2
    assert err.count("\n") == 1 and message in err, err


def test_a_taken_name_and_a_bad_role(db: str) -> None:
    assert user("add", "ada", "--db", db, "--password-stdin", stdin="long enough pass\n")[0] == 0
    code, _, err = user("add", "ada", "--db", db, "--password-stdin", stdin="long enough pass\n")
    assert code == 2 and "user 'ada' already exists" in err
    code, _, err = user("add", "bo", "--role", "root", "--db", db, "--password-stdin", stdin="x\n")
    assert code == 2 and "'root' is not one of 'viewer', 'admin'" in err


def test_an_unmigrated_database_is_one_line(tmp_path: Path) -> None:
    code, _, err = user("remove", "ada", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 2 and err.startswith("samtycke: no ledger at")
