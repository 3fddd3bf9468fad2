"""The console's pages: a registry any module adds to, and what a page is handed.

A page is a slug under ``/console/``, a title for the navigation, a function
that renders its main content for a GET, and optionally one that handles its
form POSTs. The console builds its navigation and routes from the registry, so
a new page is one module calling :func:`register_page` (imported from
``samtycke.console.pages``)::

    register_page(Page("monitor", "Monitoring", render_monitor, order=50))

Both functions run in a worker thread (they may query the database) and
return the page's main HTML (a :class:`~samtycke.console.html.Html`) or a
complete response (a CSV download, a redirect after a POST); a request the
page cannot answer raises :class:`PageError` (status and one sentence).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response

from samtycke.console.html import Html
from samtycke.console.users import Role, User

if TYPE_CHECKING:
    from samtycke.server.state import ServerState


class PageError(Exception):
    """A request a page refuses: shown as one sentence with ``status`` (a bad filter, 404)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class PageContext:
    """What a page sees of one request: who asks, the server, the form token."""

    request: Request
    state: ServerState
    engine: Engine
    user: User
    csrf: str
    form: Mapping[str, str]  # the POSTed fields (empty for a GET)

    def query(self, name: str, default: str = "") -> str:
        """A query-string parameter (``default`` when absent)."""
        return self.request.query_params.get(name, default)


Render = Callable[[PageContext], Html | Response]


@dataclass(frozen=True)
class Page:
    """One console page."""

    slug: str  # URL path under /console/ (a-z, 0-9, '-'); "" is the overview
    title: str
    render: Render
    role: Role = "viewer"  # who may see it
    order: int = 50  # place in the navigation, lowest first
    post: Render | None = None  # form POSTs to /console/<slug>
    post_role: Role = "admin"  # who may POST to it


PAGES: dict[str, Page] = {}


def register_page(page: Page) -> Page:
    """Add ``page`` to the console (a second page with the same slug is refused)."""
    if page.slug in PAGES and PAGES[page.slug] != page:
        raise ValueError(f"a console page {page.slug!r} is already registered")
    PAGES[page.slug] = page
    return page


def navigation(user: User) -> list[Page]:
    """The pages ``user`` may open, in navigation order."""
    visible = [p for p in PAGES.values() if p.role == "viewer" or user.is_admin]
    return sorted(visible, key=lambda p: (p.order, p.title))
