"""The policy page as HTML: a complete accessible page, or the embeddable ``<section>``.

Every text goes through :func:`html.escape`, attributes included; links can only
be http(s), mailto or site paths because the model only builds such links.
"""

from __future__ import annotations

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
    safe_href,
)

# Small and readable on purpose: a site that embeds the fragment brings its own style.
_CSS = """\
body { font: 1rem/1.55 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fff; }
main { max-width: 50rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem; border-bottom: 1px solid #d2d2d7; }
thead th { border-bottom-width: 2px; }
td, th { overflow-wrap: anywhere; }
button { font: inherit; padding: .5rem 1rem; border: 2px solid currentColor; border-radius: .4rem; background: none; cursor: pointer; }
a { color: #0040a8; }"""


def render_html(
    page: Page, *, fragment: bool = False, script_src: str | None = None, script: str = ""
) -> str:
    """The page as HTML; with ``fragment`` only its ``<section>``.

    The full page carries the banner, so its settings button works where the
    information is: ``script_src`` loads ``samtycke.js`` from a URL, else
    ``script`` (a complete ``samtycke.js``) is inlined.
    """
    section = _root(page)
    if fragment:
        return section
    if script_src is not None:
        banner = f'<script src="{_a(script_src)}" defer></script>\n'
    elif script:
        # build_script escapes every "<" of the config, and the engine has none of
        # "</" or "<!--" (a test holds it to that), so nothing can end it early.
        banner = f"<script>\n{script}\n</script>\n"
    else:
        banner = ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_a(page.lang)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_t(page.title)}</title>\n"
        f"<style>\n{_CSS}\n</style>\n"
        f"{banner}"
        "</head>\n"
        "<body>\n"
        "<main>\n"
        f"{section}"
        "</main>\n"
        "</body>\n"
        "</html>\n"
    )


def _root(page: Page) -> str:
    out = [
        f'<section class="samtycke-policy" lang="{_a(page.lang)}" '
        f'data-samtycke-revision="{page.revision}" '
        f'data-samtycke-fingerprint="{_a(page.fingerprint)}">',
        f"<h1>{_t(page.heading)}</h1>",
    ]
    out.extend(_block(b) for b in page.intro)
    for section in page.sections:
        out.extend(_section(section, 2))
    out.append("</section>")
    return "\n".join(out) + "\n"


def _section(section: Section, level: int) -> list[str]:
    out = [f'<h{level} id="{_a(section.id)}">{_t(section.heading)}</h{level}>']
    out.extend(_block(b) for b in section.blocks)
    for sub in section.subsections:
        out.extend(_section(sub, level + 1))
    return out


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_line(block.parts)}</p>"
    if isinstance(block, Items):
        items = "".join(f"<li>{_line(item)}</li>\n" for item in block.items)
        return f"<ul>\n{items}</ul>"
    if isinstance(block, Button):
        return (
            f'<p><button type="button" data-samtycke-action="{_a(block.action)}">'
            f"{_t(block.label)}</button></p>"
        )
    return _table(block)


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{_t(h)}</th>' for h in table.headers)
    rows = []
    for row in table.rows:
        first, *rest = row
        cells = "".join(f"<td>{_line(c)}</td>" for c in rest)
        rows.append(f'<tr><th scope="row">{_line(first)}</th>{cells}</tr>\n')
    return (
        "<table>\n"
        f"<caption>{_t(table.caption)}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{''.join(rows)}</tbody>\n"
        "</table>"
    )


def _line(parts: Line) -> str:
    return "".join(_inline(p) for p in parts)


def _inline(part: Inline) -> str:
    if isinstance(part, Text):
        return _t(part.value)
    if isinstance(part, Code):
        return f"<code>{_t(part.value)}</code>"
    if isinstance(part, Link):
        if not safe_href(part.href):  # every link of a page passes the one URL rule
            return _t(part.text)
        rel = "" if part.href.startswith(("mailto:", "/")) else ' rel="noopener noreferrer"'
        lang = f' lang="{_a(part.lang)}" hreflang="{_a(part.lang)}"' if part.lang else ""
        return f'<a href="{_a(part.href)}"{lang}{rel}>{_t(part.text)}</a>'
    if isinstance(part, Date):
        return f'<time datetime="{_a(part.iso)}">{_t(part.text)}</time>'
    raise TypeError(f"unknown inline {part!r}")


def _t(text: str) -> str:
    return escape(text, quote=False)


def _a(value: str) -> str:
    return escape(value, quote=True)
