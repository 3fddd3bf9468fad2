"""Server-rendered HTML for the console: escaping, the layout, tables, forms.

Markup is built from f-strings; every value that is not already :class:`Html`
goes through :func:`esc`. The console serves no script at all and only its own
stylesheet, under a Content-Security-Policy that allows nothing else.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from importlib import resources


class Html(str):
    """Markup that is already safe to insert as it is."""


def esc(value: object) -> Html:
    """``value`` as text that is safe in an element or a quoted attribute."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def join(parts: Iterable[Html]) -> Html:
    """Concatenate safe markup."""
    return Html("".join(parts))


def csrf_field(token: str) -> Html:
    """The hidden field every console form carries."""
    return Html(f'<input type="hidden" name="csrf" value="{esc(token)}">')


def button_form(action: str, label: str, token: str, **fields: str) -> Html:
    """A one-button POST form (logout, admin actions)."""
    hidden = join(
        Html(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">') for k, v in fields.items()
    )
    return Html(
        f'<form method="post" action="{esc(action)}" class="inline">{csrf_field(token)}{hidden}'
        f'<button type="submit">{esc(label)}</button></form>'
    )


def table(
    caption: str, headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: int = 1
) -> Html:
    """A data table; columns from ``numeric`` on are right-aligned numbers."""
    head = join(
        Html(f'<th scope="col"{" class=num" if i >= numeric else ""}>{esc(h)}</th>')
        for i, h in enumerate(headers)
    )
    body = join(
        Html(
            "<tr>"
            + "".join(
                f'<th scope="row">{esc(c)}</th>'
                if i == 0
                else f"<td{' class=num' if i >= numeric else ''}>{esc(c)}</td>"
                for i, c in enumerate(row)
            )
            + "</tr>"
        )
        for row in rows
    )
    return Html(
        f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def document(title: str, body: Html, *, lang: str = "en") -> Html:
    """A whole page: head with the console's stylesheet, then ``body``."""
    return Html(
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · samtycke console</title>"
        '<link rel="stylesheet" href="/console/console.css"></head>'
        f"<body>{body}</body></html>"
    )


def layout(
    title: str, main: Html, nav: Sequence[tuple[str, str, bool]], user: str, token: str
) -> Html:
    """The signed-in page: skip link, header with navigation and logout, then ``main``.

    ``nav`` holds (href, label, current) for each page the user may open.
    """
    links = join(
        Html(
            f'<li><a href="{esc(href)}"{" aria-current=page" if current else ""}>{esc(label)}</a></li>'
        )
        for href, label, current in nav
    )
    header = (
        '<a class="skip" href="#main">Skip to content</a>'
        '<header><p class="brand">samtycke console</p>'
        f'<nav aria-label="Console"><ul>{links}</ul></nav>'
        f'<p class="who">Signed in as {esc(user)} '
        f"{button_form('/console/logout', 'Log out', token)}</p></header>"
    )
    return document(title, Html(f'{header}<main id="main"><h1>{esc(title)}</h1>{main}</main>'))


def stylesheet() -> bytes:
    """The console's own CSS (no third-party asset is ever loaded)."""
    return resources.files("samtycke.console").joinpath("console.css").read_bytes()
