"""The TOML line locator behind every FILE:LINE message."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from samtycke.declaration.lines import locate

TEXT = '''\
# comment
[site]
name = "A [not a table]"
"quoted key" = 1
desc = """
[[cookies]]
not a header
"""
list = [
  "x",  # [[cookies]]
  "y",
]
dotted.key = 2

[[cookies]]
name = "a"
purpose = { en = "x", sv = "y" }

[[cookies]]
name = 'b'
'''


def test_locates_tables_keys_and_skips_multiline_values() -> None:
    lines = locate(TEXT)
    assert lines.line("site") == 2
    assert lines.line("site", "name") == 3
    assert lines.line("site", "quoted key") == 4
    assert lines.line("site", "desc") == 5
    assert lines.line("site", "list") == 9
    assert lines.line("site", "dotted", "key") == 13
    assert lines.line("cookies", 0) == 15
    assert lines.line("cookies", 0, "purpose", "sv") == 17
    assert lines.line("cookies", 1, "name") == 20
    assert lines.line("cookies", 1, "expires") == 19  # falls back to the table
    assert lines.line("nothing") == 1


@given(st.lists(st.text("ab c=[]{}\"'#\n", max_size=20), max_size=6))
def test_every_array_table_gets_the_line_of_its_header(values: list[str]) -> None:
    parts = []
    for v in values:
        parts.append("[[cookies]]\n" + f"name = {tomllib_quote(v)}\n")
    text = "\n".join(parts)
    tomllib.loads(text)  # the generated text is valid TOML
    lines = locate(text)
    for i in range(len(values)):
        assert lines.line("cookies", i) == 1 + 3 * i


def tomllib_quote(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
