"""The [email] table: kinds, purposes, exemptions and the do-not-track rule, with lines."""

from __future__ import annotations

import pytest

from samtycke.declaration import parse_declaration
from samtycke.errors import DeclarationError
from tests.mail.conftest import SITE

# Lines of the [email] tables below count from the end of the shared site.
BASE = len(SITE.splitlines())


def problems(extra: str) -> list[str]:
    with pytest.raises(DeclarationError) as info:
        parse_declaration(SITE + extra, "shop.toml")
    return [str(p) for p in info.value.problems if p.severity == "error"]


def test_a_full_email_table_loads() -> None:
    decl = parse_declaration(
        SITE
        + """
[email]
do_not_track = "opens-only"

[email.open]
purpose = { sv = "Se vilka brev som läses.", en = "See which letters are read." }
exemption = "deliverability"

[email.click]
purpose = { sv = "Se vad som intresserar.", en = "See what interests." }
""",
        "shop.toml",
    )
    email = decl.email
    assert email is not None and email.do_not_track == "opens-only"
    opening, clicking = email.kind("open"), email.kind("click")
    assert (
        opening is not None and opening.exemption == "deliverability" and opening.line == BASE + 5
    )
    assert clicking is not None and clicking.exemption is None
    assert clicking.purpose.get("en") == "See what interests."


def test_no_email_table_means_no_email_tracking() -> None:
    assert parse_declaration(SITE, "shop.toml").email is None


def test_an_empty_table_is_an_error() -> None:
    assert problems("\n[email]\n") == [
        f"shop.toml:{BASE + 2}: [email]: declares no tracking (add [email.open] and/or [email.click], "
        "or remove [email])"
    ]


def test_unknown_kind_and_keys_get_hints() -> None:
    found = problems('\n[email.opne]\npurpose = "x"\n')
    assert found[0] == f"shop.toml:{BASE + 2}: [email]: unknown key 'opne' (did you mean 'open'?)"


def test_deliverability_is_no_exemption_for_clicks() -> None:
    (found,) = problems('\n[email.click]\npurpose = "Klick."\nexemption = "deliverability"\n')
    assert found.startswith(f"shop.toml:{BASE + 4}: [email.click]: exemption 'deliverability'")
    assert "(possible: 'security'" in found


def test_a_purpose_is_required_and_opens_only_needs_opens() -> None:
    found = problems(
        '\n[email]\ndo_not_track = "opens-only"\n[email.click]\nexemption = "security"\n'
    )
    assert any("[email.click]: missing required key 'purpose'" in p for p in found)
    assert any('do_not_track = "opens-only" needs [email.open]' in p for p in found)


def test_a_bad_do_not_track_value_names_the_choices() -> None:
    (found,) = problems('\n[email]\ndo_not_track = "opens"\n[email.open]\npurpose = "x"\n')
    assert found.startswith(f'shop.toml:{BASE + 3}: [email]: do_not_track = "opens" is not one')
