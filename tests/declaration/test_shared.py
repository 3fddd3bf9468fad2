"""[shared_consent]: which of the site's domains share one decision."""

from __future__ import annotations

import pytest

from samtycke.declaration import parse_declaration
from samtycke.errors import DeclarationError

SITE = """\
[site]
id = "shop"
name = "Shop"
controller = "Shop AB"
contact = "privacy@shop.example"
domains = ["shop.example", "shop.zendesk.com"]
languages = ["en"]

[shared_consent]
"""


def test_the_shared_domains_load() -> None:
    decl = parse_declaration(SITE + 'domains = ["Shop.example", "shop.zendesk.com"]\n')
    assert decl.shared_consent == ("shop.example", "shop.zendesk.com")
    assert parse_declaration(SITE.split("[shared_consent]")[0]).shared_consent == ()


@pytest.mark.parametrize(
    ("domains", "message"),
    [
        ('["shop.example"]', "must list at least two"),
        ('"shop.example"', "must list at least two"),
        ('["shop.example", "other.example"]', "'other.example' is not one of the [site] domains"),
        ('["shop.example", "not a host"]', "'not a host' is not a host name"),
    ],
)
def test_mistakes(domains: str, message: str) -> None:
    with pytest.raises(DeclarationError) as info:
        parse_declaration(SITE + f"domains = {domains}\n", "shop.toml")
    (problem,) = info.value.problems
    assert str(problem).startswith("shop.toml:10: [shared_consent]") and message in str(problem)
