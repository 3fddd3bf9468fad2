"""``samtycke user``: add, remove and set passwords of the console's users.

The password comes from a prompt (asked twice) or, with ``--password-stdin``,
from the first line of standard input. Exit codes: 0 ok; 2 a bad name, role or
password, a user that exists already or does not exist, or a database that
cannot be used (one line saying which).
"""

from __future__ import annotations

import sys

import click

from samtycke.cli._common import DB_OPTION
from samtycke.console.users import ROLES, add_user, remove_user, set_password
from samtycke.errors import ConsoleError
from samtycke.ledger import Ledger

_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise ConsoleError("no password on standard input (--password-stdin reads one line)")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ConsoleError("no terminal to ask for the password; pipe it with --password-stdin")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@click.group("user")
def user() -> None:
    """Add, remove or change the users who may sign in to /console."""


@user.command("add")
@DB_OPTION
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@_STDIN
def add_cmd(db: str, name: str, role: str, password_stdin: bool) -> None:
    """Create user NAME (viewer: reads every page; admin: also takes admin actions)."""
    password = _password(password_stdin)
    with Ledger(db) as led:
        add_user(led.engine, name, role, password)
    click.echo(f"added {role} {name}")


@user.command("passwd")
@DB_OPTION
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), help="Also change the user's role.")
@_STDIN
def passwd_cmd(db: str, name: str, role: str | None, password_stdin: bool) -> None:
    """Set a new password for NAME (and a role with --role); their sessions end."""
    password = _password(password_stdin)
    with Ledger(db) as led:
        set_password(led.engine, name, password, role)
    click.echo(f"changed {name}; every session of theirs has ended")


@user.command("remove")
@DB_OPTION
@click.argument("name")
def remove_cmd(db: str, name: str) -> None:
    """Delete user NAME and end their sessions."""
    with Ledger(db) as led:
        remove_user(led.engine, name)
    click.echo(f"removed {name}")
