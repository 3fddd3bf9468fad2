"""Alerts over a real SMTP server (STARTTLS, AUTH) and a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from samtycke.declaration.monitor import Monitor
from samtycke.monitor.alerts import Alert, deliver, post_webhook, send_email
from samtycke.monitor.settings import SmtpSettings, smtp_from_env
from samtycke.server.config import ConfigError
from tests.monitor.receivers import PASSWORD, USER, free_port, smtp_sink, webhook

ALERT = Alert(
    site="shop",
    url="https://shop.example/",
    scan_id="0123abcd",
    new_cookies=[{"name": "_fbp", "domain": "shop.example"}],
    new_violations=[
        {
            "kind": "set-before-consent",
            "cookie": "_fbp",
            "page": "https://shop.example/",
            "phase": "before-consent",
            "detail": "marketing cookie set before any consent was given",
        }
    ],
    report_url="https://consent.shop.example/console/monitoring?scan=0123abcd",
)


def _smtp(port: int, cafile: Path, **changes: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "user": USER,
        "password": PASSWORD,
        "sender": "samtycke@shop.example",
        "cafile": cafile,
        "timeout": 10.0,
    }
    values.update(changes)
    return SmtpSettings(**values)  # type: ignore[arg-type]


def test_the_text_names_every_new_cookie_and_violation() -> None:
    text = ALERT.text()
    assert ALERT.subject == "samtycke: shop: 1 new violation and 1 new cookie"
    assert text.startswith(f"{ALERT.subject} on https://shop.example/\n")
    assert "- set-before-consent: _fbp on https://shop.example/: marketing cookie" in text
    assert "- _fbp (shop.example)" in text
    assert "Report: https://consent.shop.example/console/monitoring?scan=0123abcd" in text


def test_an_email_goes_out_over_starttls_with_a_login(tmp_path: Path) -> None:
    with smtp_sink(tmp_path) as sink:
        send_email(_smtp(sink.port, sink.cafile), ("privacy@shop.example",), ALERT)
    assert sink.logins == [USER]
    assert sink.recipients == [["privacy@shop.example"]]
    msg = sink.messages[0]
    assert msg["Subject"] == ALERT.subject and msg["From"] == "samtycke@shop.example"
    assert "- _fbp (shop.example)" in msg.get_content()


def test_a_wrong_password_is_a_failure_deliver_reports(tmp_path: Path) -> None:
    monitor = Monitor(("https://shop.example/",), 86400, alert_email=("privacy@shop.example",))
    with smtp_sink(tmp_path) as sink:
        result = deliver(ALERT, monitor, _smtp(sink.port, sink.cafile, password="wrong"))
    assert result.startswith("e-mail failed: ") and sink.messages == []
    assert "Authentication credentials invalid" in result  # refused, not timed out


def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    with smtp_sink(tmp_path) as sink, pytest.raises(OSError, match="CERTIFICATE_VERIFY_FAILED"):
        send_email(_smtp(sink.port, None), ("privacy@shop.example",), ALERT)
    assert sink.messages == []


def test_the_webhook_gets_slack_json() -> None:
    with webhook() as hook:
        assert post_webhook(hook.url, ALERT) == 200
    assert hook.bodies == [{"text": ALERT.text()}]


def test_the_webhook_is_retried_after_a_server_error() -> None:
    with webhook(answer=lambda n: 503 if n < 3 else 200) as hook:
        assert post_webhook(hook.url, ALERT, backoff=0.01) == 200
    assert len(hook.bodies) == 3


def test_a_client_error_is_not_retried() -> None:
    with webhook(answer=lambda n: 404) as hook, pytest.raises(OSError, match="HTTP 404"):
        post_webhook(hook.url, ALERT, backoff=0.01)
    assert len(hook.bodies) == 1


def test_a_webhook_that_never_answers_times_out_and_gives_up() -> None:
    import threading

    hold = threading.Event()
    with webhook(hold=hold) as hook:
        with pytest.raises(OSError, match="after 2 tries"):
            post_webhook(hook.url, ALERT, timeout=0.2, retries=1, backoff=0.01)
        hold.set()
    assert len(hook.bodies) == 2


def test_nobody_listening_is_a_failure_after_the_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(OSError, match="after 3 tries"):
        post_webhook(url, ALERT, retries=2, backoff=0.01)


def test_email_without_an_smtp_server_says_so() -> None:
    monitor = Monitor(("https://shop.example/",), 86400, alert_email=("privacy@shop.example",))
    assert deliver(ALERT, monitor, None) == "e-mail not sent: no SAMTYCKE_SMTP_HOST"


def test_smtp_settings_come_from_the_environment(tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    smtp = smtp_from_env(
        {
            "SAMTYCKE_SMTP_HOST": "mail.example",
            "SAMTYCKE_SMTP_PORT": "2525",
            "SAMTYCKE_SMTP_STARTTLS": "off",
            "SAMTYCKE_SMTP_USER": USER,
            "SAMTYCKE_SMTP_PASSWORD_FILE": str(pw),
        }
    )
    assert smtp == SmtpSettings("mail.example", 2525, False, USER, PASSWORD)
    assert smtp_from_env({}) is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SAMTYCKE_SMTP_PORT": "smtp"}, "SAMTYCKE_SMTP_PORT has value 'smtp': not a whole number"),
        ({"SAMTYCKE_SMTP_STARTTLS": "maybe"}, "not a valid bool"),
        ({"SAMTYCKE_SMTP_PASSWORD_FILE": "/nonexistent/pw"}, "cannot be read"),
        ({"SAMTYCKE_SMTP_CAFILE": "/nonexistent/ca.pem"}, "no such file"),
    ],
)
def test_bad_smtp_settings_are_one_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        smtp_from_env({"SAMTYCKE_SMTP_HOST": "mail.example", "SAMTYCKE_SMTP_USER": "u", **env})
