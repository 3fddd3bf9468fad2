"""`scan --write-declaration`: entries marked for review, linked to declared services, true expiries."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.declaration import parse_declaration
from samtycke.declaration.expiry import expiry_of_seconds
from samtycke.knowledge import builtin_knowledge
from samtycke.scanner.model import ObservedCookie
from samtycke.scanner.write_decl import write_declaration

DECL = """\
[site]
id = "s"
name = "S"
controller = "S AB"
contact = "p@s.test"
domains = ["s.test"]
languages = ["en"]

[[services]]
id = "ga"
name = "Google Analytics"
provider = "Google"
category = "analytics"

[[cookies]]
name = "_ga"
service = "ga"
expires = "2 years"
purpose = "Tells visitors apart."
"""


def observed(name: str, seconds: float | None) -> ObservedCookie:
    return ObservedCookie(
        name=name,
        domain="s.test",
        path="/",
        expires_days=None if seconds is None else seconds / 86400,
        third_party=False,
        http_only=False,
        secure=False,
        same_site="Lax",
        partitioned=False,
        phases=["after-accept"],
        pages=["https://s.test/"],
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (3600, "1 hour"),
        (3599.6, "1 hour"),
        (1800, "30 minutes"),
        (86400, "1 day"),
        (90 * 86400, "90 days"),
        (395 * 86400, "13 months"),
        (365 * 86400, "1 year"),
        (730 * 86400, "2 years"),
        (7 * 86400, "1 week"),
        (10, "1 minute"),
        (None, "session"),
    ],
)
def test_expiries_are_rounded_to_what_a_person_writes(seconds: float | None, text: str) -> None:
    assert str(expiry_of_seconds(seconds)) == text


def test_entries_are_marked_linked_and_refused_for_publishing(tmp_path: Path) -> None:
    text = write_declaration(
        DECL, [observed("_gid", 86400), observed("odd", 3600)], builtin_knowledge()
    )
    decl = parse_declaration(text)
    gid, odd = decl.cookies[-2:]
    assert (gid.service, gid.category, str(gid.expires), gid.review) == (
        "ga",
        "analytics",
        "1 day",
        True,
    )
    assert (odd.service, odd.category, str(odd.expires), odd.review) == (
        None,
        "functional",
        "1 hour",
        True,
    )
    path = tmp_path / "samtycke.toml"
    path.write_text(text, encoding="utf-8")
    runner = CliRunner()
    check = runner.invoke(main, ["check", str(path)])
    assert check.exit_code == 0
    assert check.output.count("marked for review") == 2
    for args in (["policy", str(path)], ["build", str(path), "-o", str(tmp_path / "out")]):
        res = runner.invoke(main, args)
        assert res.exit_code == 1
        assert res.output.strip().splitlines() == [
            f"{path}: 2 cookies still marked for review (line {gid.line}, {odd.line}); "
            "confirm each and remove `review = true` before publishing"
        ]
    assert not (tmp_path / "out").exists()
    reviewed = path.read_text(encoding="utf-8").replace("review = true\n", "")
    path.write_text(reviewed.replace("TODO: describe", "Described"), encoding="utf-8")
    assert runner.invoke(main, ["policy", str(path)]).exit_code == 0


def test_review_must_be_a_boolean() -> None:
    from samtycke.errors import DeclarationError

    with pytest.raises(DeclarationError, match="review must be true or false"):
        parse_declaration(DECL + 'review = "yes"\n')
