"""The declarations page: each revision with what it changed."""

from __future__ import annotations

from samtycke.declaration import Declaration
from samtycke.declaration.fingerprint import fingerprint
from tests.console.conftest import log_in
from tests.server.conftest import LiveServer


def test_each_revision_with_its_changes(console: LiveServer, generated: list[Declaration]) -> None:
    page = log_in(console, "vic").get("/console/declarations").text
    rev2 = fingerprint(generated[1])[:12]
    section = page.split(f'id="d-{rev2}"')[1].split("</section>")[0]
    assert "Revision 2" in section
    assert '<li class="added">Added: hotjar</li>' in section
    assert '<li class="added">Added: _hjid (shop.example)</li>' in section
    assert "<li>Changed: _fbp (shop.example) (expires)</li>" in section
    first = fingerprint(generated[0])[:12]
    assert "The first snapshot of this site in the ledger." in page.split(f'id="d-{first}"')[1]
    assert page.index(f'id="d-{rev2}"') < page.index(f'id="d-{first}"')  # newest first
