"""The docs stay true: every command and option is documented in docs/cli.md."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from samtycke.cli import COMMANDS, main

DOCS = Path(__file__).resolve().parent.parent / "docs"


def sections(text: str) -> dict[str, str]:
    """Markdown sections keyed by the command in their `## \\`samtycke …\\`` heading."""
    out: dict[str, str] = {}
    parts = re.split(r"^#{2,3} `samtycke ([a-z -]+)", text, flags=re.M)
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        out[name.strip()] = body
    return out


def commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(main)
    found: list[tuple[str, click.Command]] = []
    for name in COMMANDS:
        cmd = main.get_command(ctx, name)
        assert cmd is not None, name
        found.append((name, cmd))
        if isinstance(cmd, click.Group):
            found += [(f"{name} {sub}", cmd.commands[sub]) for sub in cmd.commands]
    return found


@pytest.mark.parametrize(
    ("name", "command"), commands(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_command_and_option_is_in_docs_cli(name: str, command: click.Command) -> None:
    docs = sections((DOCS / "cli.md").read_text(encoding="utf-8"))
    assert name in docs, f"docs/cli.md has no section for `samtycke {name}`"
    for param in command.params:
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            assert longest in docs[name], (
                f"docs/cli.md: `samtycke {name}` does not document {longest}"
            )


def test_exit_codes_are_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for code in ("0", "1", "2"):
        assert re.search(rf"^\| `?{code}`? \|", text, flags=re.M), f"exit code {code} undocumented"


@pytest.mark.parametrize(
    "doc",
    [
        "declaration.md",
        "cli.md",
        "policy.md",
        "banner.md",
        "http-api.md",
        "ledger.md",
        "deployment.md",
        "enforcement.md",
        "scanner.md",
        "email.md",
        "console.md",
    ],
)
def test_doc_exists_and_links_resolve(doc: str) -> None:
    path = DOCS / doc
    text = path.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?!https?:|#|mailto:)[^)#\s]+)", text):
        assert (path.parent / target).exists(), f"docs/{doc} links to missing {target}"
