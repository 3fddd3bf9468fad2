"""The cookie policy page, rendered from a declaration in any of its languages.

``render_policy(decl, "sv")`` gives a complete HTML page; ``fmt="md"`` Markdown
for docs sites, ``fmt="json"`` data for other tools (schema in docs/policy.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from samtycke.declaration import Declaration
from samtycke.errors import LocaleError
from samtycke.policy.content import build_page, policy_date
from samtycke.policy.data import SCHEMA, policy_data, render_json
from samtycke.policy.html import render_html
from samtycke.policy.markdown import render_markdown

Format = Literal["html", "md", "json"]
FORMATS: tuple[Format, ...] = ("html", "md", "json")

__all__ = [
    "FORMATS",
    "SCHEMA",
    "Format",
    "build_page",
    "policy_data",
    "policy_date",
    "render_policy",
]


def render_policy(
    decl: Declaration,
    lang: str,
    fmt: str = "html",
    *,
    fragment: bool = False,
    updated: dt.date | None = None,
    script_src: str | None = None,
) -> str:
    """The cookie policy of ``decl`` in ``lang`` as HTML, Markdown or JSON text.

    ``fragment`` gives only the HTML ``<section>`` for embedding in a page.
    ``updated`` overrides the date the policy states (else ``[site] updated``,
    else today). The full HTML page carries the banner, so its "Open cookie
    settings" button works: ``script_src`` is the URL of the site's
    ``samtycke.js``; without it the script is inlined (a self-contained page).
    Raises :class:`LocaleError` when the declaration does not offer
    ``lang``, and ``ValueError`` for an unknown ``fmt``.
    """
    if lang not in decl.site.languages:
        raise LocaleError(
            f"the declaration does not offer language {lang!r} "
            f"(its languages: {', '.join(decl.site.languages)})"
        )
    if fmt == "json":
        return render_json(decl, lang, updated)
    if fmt == "md":
        return render_markdown(build_page(decl, lang, updated))
    if fmt == "html":
        page = build_page(decl, lang, updated)
        if fragment or script_src is not None:
            return render_html(page, fragment=fragment, script_src=script_src)
        from samtycke.banner import build_script  # the banner is needed only for a full page

        return render_html(page, script=build_script(decl))
    raise ValueError(f"unknown policy format {fmt!r} (use one of: {', '.join(FORMATS)})")
