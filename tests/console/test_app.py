"""Signing in and out, sessions, CSRF and Origin checks, lock-out and roles, over HTTP."""

from __future__ import annotations

from samtycke.console.lockout import ACCOUNT_LIMIT
from tests import web
from tests.console.conftest import PASSWORDS, client, form_token, log_in
from tests.server.conftest import LiveServer


def test_a_page_without_a_session_sends_to_the_login(console: LiveServer) -> None:
    answer = client(console).get("/console")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login"


def test_login_sets_a_strict_httponly_session_cookie_and_shows_the_overview(
    console: LiveServer,
) -> None:
    c = client(console)
    token = form_token(c.get("/console/login").text)
    answer = c.post(
        "/console/login", data={"csrf": token, "name": "ada", "password": PASSWORDS["ada"]}
    )
    assert answer.status_code == 303
    cookie = next(
        v
        for k, v in answer.headers.multi_items()
        if k == "set-cookie" and v.startswith("samtycke-console=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1: a Secure cookie would not come back
    page = c.get("/console")
    assert page.status_code == 200
    assert "Signed in as ada" in page.text and "shop.example" in page.text
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_over_https_the_cookie_is_secure_and_host_prefixed(console: LiveServer) -> None:
    # The test server trusts 127.0.0.1 as a proxy, so X-Forwarded-Proto sets the scheme.
    c = web.client(
        base_url=console.url,
        headers={"origin": f"https://127.0.0.1:{console.port}", "x-forwarded-proto": "https"},
    )
    form = c.get("/console/login")
    login_cookie = form.headers["set-cookie"]
    assert login_cookie.startswith("__Host-samtycke-console-login=") and "Secure" in login_cookie
    # httpx keeps no Secure cookie over plain http: hand it back as a browser would.
    value = login_cookie.split(";")[0].split("=", 1)[1]
    c.cookies.set("__Host-samtycke-console-login", value)
    answer = c.post(
        "/console/login",
        data={"csrf": form_token(form.text), "name": "vic", "password": PASSWORDS["vic"]},
    )
    assert answer.status_code == 303, answer.text
    session = [
        v
        for k, v in answer.headers.multi_items()
        if k == "set-cookie" and v.startswith("__Host-samtycke-console=")
    ]
    assert session and "Secure" in session[0] and "Domain" not in session[0]


def test_wrong_password_and_unknown_user_get_the_same_answer(console: LiveServer) -> None:
    c = client(console)
    answers = []
    for name, password in [("ada", "wrong password!!"), ("nobody", "wrong password!!")]:
        token = form_token(c.get("/console/login").text)
        answers.append(
            c.post("/console/login", data={"csrf": token, "name": name, "password": password})
        )
    assert [a.status_code for a in answers] == [401, 401]
    assert all("Wrong user name or password." in a.text for a in answers)
    assert "samtycke-console=" not in str(answers[0].headers.get_list("set-cookie"))


def test_logout_ends_the_session_on_the_server(console: LiveServer) -> None:
    c = log_in(console, "vic")
    session_id = c.cookies["samtycke-console"]
    token = form_token(c.get("/console").text)
    assert c.post("/console/logout", data={"csrf": token}).status_code == 303
    replay = client(console)
    replay.cookies.set("samtycke-console", session_id)
    assert replay.get("/console").status_code == 303  # the old id opens nothing


def test_a_post_without_or_with_a_wrong_token_is_refused(console: LiveServer) -> None:
    c = log_in(console, "ada")
    token = form_token(c.get("/console").text)
    assert c.post("/console/logout", data={"other": "x"}).status_code == 403
    assert c.post("/console/logout", data={"csrf": token[:-2] + "xx"}).status_code == 403
    assert c.post("/console/users", data={"csrf": "", "user": "vic"}).status_code == 403
    assert c.get("/console").status_code == 200  # still signed in


def test_a_post_from_a_foreign_or_missing_origin_is_refused(console: LiveServer) -> None:
    c = log_in(console, "ada")
    token = form_token(c.get("/console").text)
    foreign = c.post(
        "/console/logout", data={"csrf": token}, headers={"origin": "https://evil.example"}
    )
    assert foreign.status_code == 403 and "another site" in foreign.text
    del c.headers["origin"]
    assert c.post("/console/logout", data={"csrf": token}).status_code == 403
    c.headers["origin"] = console.url
    assert c.get("/console").status_code == 200


def test_the_login_form_needs_its_own_token(console: LiveServer) -> None:
    c = client(console)
    c.get("/console/login")
    answer = c.post(
        "/console/login", data={"csrf": "made-up", "name": "ada", "password": PASSWORDS["ada"]}
    )
    assert answer.status_code == 403


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    console: LiveServer,
) -> None:
    from samtycke.console.users import add_user

    add_user(console.state.ledger.engine, "lou", "viewer", "lou's password 1")
    c = client(console)
    for _ in range(ACCOUNT_LIMIT):
        token = form_token(c.get("/console/login").text)
        c.post("/console/login", data={"csrf": token, "name": "lou", "password": "not it at all"})
    token = form_token(c.get("/console/login").text)
    answer = c.post(
        "/console/login", data={"csrf": token, "name": "lou", "password": "lou's password 1"}
    )
    assert answer.status_code == 429 and "Too many failed logins" in answer.text
    assert log_in(console, "vic").get("/console").status_code == 200  # other accounts unaffected


def test_a_viewer_is_refused_the_admin_page_and_its_action(console: LiveServer) -> None:
    viewer = log_in(console, "vic")
    page = viewer.get("/console")
    assert 'href="/console/users"' not in page.text
    assert viewer.get("/console/users").status_code == 403
    token = form_token(page.text)
    assert viewer.post("/console/users", data={"csrf": token, "user": "ada"}).status_code == 403
    admin = log_in(console, "ada")
    assert admin.get("/console").status_code == 200  # ada's sessions were not ended


def test_an_admin_ends_a_users_sessions(console: LiveServer) -> None:
    viewer = log_in(console, "vic")
    admin = log_in(console, "ada")
    users = admin.get("/console/users")
    assert users.status_code == 200 and "vic" in users.text
    answer = admin.post("/console/users", data={"csrf": form_token(users.text), "user": "vic"})
    assert answer.status_code == 303
    assert viewer.get("/console").status_code == 303


def test_an_unknown_page_is_404_and_a_bad_form_is_4xx(console: LiveServer) -> None:
    c = log_in(console, "ada")
    assert c.get("/console/nope").status_code == 404
    token = form_token(c.get("/console").text)
    assert (
        c.post(
            "/console/logout",
            content=b"x" * 20_000,
            headers={"content-type": "application/x-www-form-urlencoded"},
        ).status_code
        == 413
    )
    assert c.post("/console/logout", json={"csrf": token}).status_code == 415
