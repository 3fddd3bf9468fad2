"""The policy page as Markdown (CommonMark with GitHub tables) for docs sites.

Declaration text is untrusted, and Markdown passes raw HTML through, so every
text is escaped twice over: ``& < >`` become entities (neutral in every
Markdown flavour, unlike ``\\<``), and the characters that start emphasis,
links, code or table cells get a backslash. Cookie names go in code spans,
whose fence is longer than any run of backticks in the name.
"""

from __future__ import annotations

import re
from html import escape

from samtycke.policy.model import (
    Block,
    Button,
    Code,
    Date,
    Inline,
    Items,
    Line,
    Link,
    Page,
    Paragraph,
    Section,
    Table,
    Text,
)

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKSLASHED = set("\\`*_[]|~#")
# Characters that only mean something at the start of a line (headings,
# lists, block quotes, setext underlines) and ordered-list numbers.
_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])")


def render_markdown(page: Page) -> str:
    """The page as Markdown."""
    out = [f"# {_text(page.heading, start=True)}", ""]
    for block in page.intro:
        out += [_block(block), ""]
    for section in page.sections:
        out += _section(section, 2)
    return "\n".join(out).rstrip("\n") + "\n"


def _section(section: Section, level: int) -> list[str]:
    out = [f"{'#' * level} {_text(section.heading, start=True)}", ""]
    for block in section.blocks:
        out += [_block(block), ""]
    for sub in section.subsections:
        out += _section(sub, level + 1)
    return out


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _line(block.parts, start=True)
    if isinstance(block, Items):
        return "\n".join(f"- {_line(item, start=True)}" for item in block.items)
    if isinstance(block, Button):
        # Raw HTML on purpose: where the banner script runs, this reopens it.
        return (
            f'<button type="button" data-samtycke-action="{escape(block.action)}">'
            f"{escape(block.label)}</button>"
        )
    return _table(block)


def _table(table: Table) -> str:
    lines = [
        f"**{_text(table.caption)}**",
        "",
        "| " + " | ".join(_text(h) for h in table.headers) + " |",
        "|" + "|".join(" --- " for _ in table.headers) + "|",
    ]
    for row in table.rows:
        lines.append("| " + " | ".join(_line(cell) for cell in row) + " |")
    return "\n".join(lines)


def _line(parts: Line, *, start: bool = False) -> str:
    return "".join(_inline(p, start=start and i == 0) for i, p in enumerate(parts))


def _inline(part: Inline, *, start: bool = False) -> str:
    if isinstance(part, Text):
        return _text(part.value, start=start)
    if isinstance(part, Date):
        return _text(part.text, start=start)
    if isinstance(part, Code):
        return _code(part.value)
    if isinstance(part, Link):
        return f"[{_text(part.text)}](<{_url(part.href)}>)"
    raise TypeError(f"unknown inline {part!r}")


def _text(value: str, *, start: bool = False) -> str:
    # One line per block: a newline in declaration text must not start a new block.
    value = re.sub(r"\s+", " ", value)
    out = "".join(_ENTITIES.get(c) or ("\\" + c if c in _BACKSLASHED else c) for c in value)
    return _guard_line_start(out) if start else out


def _guard_line_start(out: str) -> str:
    m = _LINE_START.match(out)
    if not m:
        return out
    lead, token = m.groups()
    escaped = token[:-1] + "\\" + token[-1] if token[0].isdigit() else "\\" + token
    return lead + escaped + out[m.end() :]


def _code(value: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    # A "|" ends a table cell even inside a code span; GitHub's rule is "\|" there.
    body = value.replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


def _url(href: str) -> str:
    # Inside <…> a destination may hold anything but "<", ">" and line breaks;
    # the model's URLs have none, and this keeps it so whatever happens upstream.
    return "".join(f"%{ord(c):02X}" if c in "<> \n\r\\" else c for c in href)
