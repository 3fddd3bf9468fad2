"""The cookie policy as a small document tree, before it becomes HTML or Markdown.

Texts in the tree are plain strings: the renderers escape every one of them, so
declaration text (untrusted) and catalog text go through the same door.
Templates from the locale catalog are split at their ``{placeholders}`` with
:func:`fill`, so a value can be a link or a date and still be escaped on its own.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from samtycke.declaration import urls


@dataclass(frozen=True)
class Text:
    """Plain text."""

    value: str


@dataclass(frozen=True)
class Code:
    """A cookie or storage name, shown as code."""

    value: str


@dataclass(frozen=True)
class Link:
    """A link: an http(s) or mailto URL, or a site-relative path.

    ``lang`` is set when the link text is in another language than the page.
    """

    text: str
    href: str
    lang: str | None = None


@dataclass(frozen=True)
class Date:
    """A date written out for people, with its ISO form for machines."""

    text: str
    iso: str


Inline = Text | Code | Link | Date
Line = tuple[Inline, ...]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline pieces."""

    parts: Line


@dataclass(frozen=True)
class Items:
    """A bulleted list."""

    items: tuple[Line, ...]


@dataclass(frozen=True)
class Button:
    """A button the banner script hooks (``data-samtycke-action``)."""

    label: str
    action: str


@dataclass(frozen=True)
class Table:
    """A table whose first column holds the row headers."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Line, ...], ...]


Block = Paragraph | Items | Button | Table


@dataclass(frozen=True)
class Section:
    """A headed part of the page; subsections are one heading level deeper."""

    id: str
    heading: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Page:
    """The whole policy in one language."""

    lang: str
    title: str
    heading: str
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]
    revision: int
    fingerprint: str


_FORMATTER = string.Formatter()


def fill(template: str, values: Mapping[str, str | Inline]) -> Line:
    """Split ``template`` at its ``{names}`` and put ``values`` in their places.

    A string value becomes :class:`Text`; an inline value is kept as it is, so a
    link inside a sentence stays a link.
    """
    parts: list[Inline] = []
    for literal, name, _spec, _conv in _FORMATTER.parse(template):
        if literal:
            parts.append(Text(literal))
        if name is not None:
            value = values[name]
            parts.append(Text(value) if isinstance(value, str) else value)
    return merge(parts)


def merge(parts: list[Inline]) -> Line:
    """Join neighbouring texts, so renderers see one run per sentence."""
    out: list[Inline] = []
    for part in parts:
        if isinstance(part, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].value + part.value)
        elif not (isinstance(part, Text) and not part.value):
            out.append(part)
    return tuple(out)


# The loader only accepts http(s) URLs without spaces, quotes or angle brackets
# for links; text in purposes is held to the same rule before it becomes a link.
_URL = re.compile(r"https?://[^\s<>\"'`]+")
_TRAILING = ".,;:!?)]}’”"


def linkify(text: str) -> Line:
    """Text in which every http(s) URL becomes a link to itself."""
    parts: list[Inline] = []
    pos = 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(_TRAILING)
        if len(url) <= len("https://"):
            continue
        parts.append(Text(text[pos : m.start()]))
        parts.append(Link(url, url))
        pos = m.start() + len(url)
    parts.append(Text(text[pos:]))
    return merge(parts)


_EMAIL = re.compile(r"[^@\s<>\"'`]+@[^@\s<>\"'`]+\.[^@\s<>\"'`]+")


def contact_inline(contact: str) -> Inline:
    """An e-mail address or URL as a link; anything else as text."""
    if _EMAIL.fullmatch(contact):
        return Link(contact, "mailto:" + contact)
    if _URL.fullmatch(contact):
        return Link(contact, contact)
    return Text(contact)


# A link built from declaration text follows the package's one URL rule.
safe_href = urls.safe_href
