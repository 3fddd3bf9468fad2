"""Users (admins only): who may sign in, with which role; end a user's sessions.

Users are added, removed and given passwords with ``samtycke user``; the page
only shows them and can sign a user out everywhere.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from samtycke.console.html import Html, button_form, esc, join
from samtycke.console.registry import Page, PageContext, register_page
from samtycke.console.sessions import end_sessions_of
from samtycke.console.users import list_users


def render_users(ctx: PageContext) -> Html:
    """Every user with a button that ends their sessions."""
    rows = join(
        Html(
            f'<tr><th scope="row">{esc(u.name)}</th><td>{esc(u.role)}</td><td>'
            f"{button_form('/console/users', 'End sessions of ' + u.name, ctx.csrf, user=u.name)}"
            "</td></tr>"
        )
        for u in list_users(ctx.engine)
    )
    done = ctx.query("ended")
    note = Html(f'<p role="status">Sessions of {esc(done)} ended.</p>') if done else Html("")
    return Html(
        f"{note}<table><caption>Console users</caption><thead><tr><th scope=col>User</th>"
        f"<th scope=col>Role</th><th scope=col>Sessions</th></tr></thead><tbody>{rows}</tbody>"
        "</table><p>Add, remove or change users with <code>samtycke user</code>.</p>"
    )


def end_user_sessions(ctx: PageContext) -> Response:
    """POST: end every session of the named user (an admin action)."""
    name = ctx.form.get("user", "")
    end_sessions_of(ctx.engine, name)
    return RedirectResponse(f"/console/users?ended={name}", 303)


register_page(Page("users", "Users", render_users, role="admin", order=90, post=end_user_sessions))
