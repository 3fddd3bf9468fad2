"""The ``samtycke`` command.

Each subcommand lives in its own module and is imported only when it runs, so
``samtycke check`` stays fast and needs none of the optional extras. Errors
from the library become one line on stderr and the exit code of the error class
(see :mod:`samtycke.errors`); only this package prints or exits.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from samtycke.errors import SamtyckeError

# name → (module, attribute, one-line help shown in `samtycke --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("samtycke.cli.check", "check", "Validate a declaration file."),
    "policy": (
        "samtycke.cli.policy",
        "policy",
        "Render the cookie policy (HTML, Markdown or JSON).",
    ),
    "build": (
        "samtycke.cli.build",
        "build",
        "Build the static banner and policy pages into a folder.",
    ),
    "serve": ("samtycke.cli.serve", "serve", "Run the consent server (API, banner, policy pages)."),
    "demo": (
        "samtycke.cli.demo",
        "demo",
        "Run the whole thing with the Billogram example and a demo site.",
    ),
    "ledger": (
        "samtycke.cli.ledger",
        "ledger",
        "Export, verify, purge or summarise the consent ledger.",
    ),
    "mail": (
        "samtycke.cli.mail",
        "mail",
        "Consent for tracking in e-mail: keys, choices, rewriting, counts.",
    ),
    "monitor": (
        "samtycke.cli.monitor",
        "monitor",
        "Scheduled scans of every site: history, alerts, distributed workers.",
    ),
    "user": (
        "samtycke.cli.user",
        "user",
        "Add, remove or change the users of the privacy console.",
    ),
    "scan": (
        "samtycke.cli.scan",
        "scan",
        "Audit a live site against its declaration in a real browser.",
    ),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attr, _ = COMMANDS[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            return _missing_extra(cmd_name, exc)
        command: click.Command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SamtyckeError as exc:
            click.echo(f"samtycke: {exc}" if "\n" not in str(exc) else str(exc), err=True)
            ctx.exit(exc.exit_code)


def _missing_extra(name: str, exc: ImportError) -> click.Command:
    @click.command(
        name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
    )
    def missing() -> None:
        click.echo(
            f"samtycke {name}: needs an optional part that is not installed ({exc.name or exc}); "
            'install it with: pip install "samtycke[all]"',
            err=True,
        )
        sys.exit(2)

    return missing


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # The metadata is read (samtycke.version) only when --version asks for it.
    if value and not ctx.resilient_parsing:
        from samtycke.version import package_version

        click.echo(f"samtycke, version {package_version()}")
        ctx.exit()


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """samtycke — self-hosted cookie consent from one declaration file.

    Exit codes: 0 ok, 1 findings or invalid declaration, 2 usage or input error.
    """
