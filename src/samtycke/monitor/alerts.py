"""Alerts: an e-mail over SMTP and a Slack-compatible webhook, when a scan found news.

The text names the site, the page, each new cookie and each new violation, and
links to the report. Sending runs on the :class:`AlertSender`'s own threads: a
slow SMTP server or a webhook that times out never holds up the scheduler.
The webhook is retried (after 1, 2 and 4 s) on a connection error or a 5xx
answer; a 4xx means the hook itself is wrong and is not retried.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from samtycke.declaration.monitor import Monitor
from samtycke.monitor.history import ScanRow
from samtycke.monitor.settings import SmtpSettings

WEBHOOK_TIMEOUT = 10.0
WEBHOOK_RETRIES = 3


@dataclass(frozen=True)
class Alert:
    """What one scan found that the previous scan of the same page did not."""

    site: str
    url: str
    scan_id: str
    new_cookies: list[dict[str, str]]
    new_violations: list[dict[str, Any]]
    report_url: str | None = None

    @classmethod
    def of(cls, row: ScanRow, public_url: str | None) -> Alert:
        """The alert for a stored scan; links to the console's report when the URL is known."""
        link = f"{public_url}/console/monitoring?scan={row.id}" if public_url else None
        return cls(row.site, row.url, row.id, row.new_cookies, row.new_violations, link)

    @property
    def subject(self) -> str:
        """One line: the site and how much is new."""
        parts = []
        if self.new_violations:
            n = len(self.new_violations)
            parts.append(f"{n} new violation{'' if n == 1 else 's'}")
        if self.new_cookies:
            n = len(self.new_cookies)
            parts.append(f"{n} new cookie{'' if n == 1 else 's'}")
        return f"samtycke: {self.site}: {' and '.join(parts)}"

    def text(self) -> str:
        """The plain-text body of the e-mail and the webhook message."""
        lines = [f"{self.subject} on {self.url}", ""]
        if self.new_violations:
            lines.append("New violations:")
            for v in self.new_violations:
                where = f" on {v['page']}" if v.get("page") else ""
                lines.append(f"- {v['kind']}: {v['cookie']}{where}: {v.get('detail', '')}")
            lines.append("")
        if self.new_cookies:
            lines.append("New cookies:")
            lines += [f"- {c['name']} ({c['domain']})" for c in self.new_cookies]
            lines.append("")
        if self.report_url:
            lines.append(f"Report: {self.report_url}")
        else:
            lines.append(f"Report: samtycke monitor history {self.site} --scan {self.scan_id}")
        return "\n".join(lines) + "\n"


def send_email(smtp: SmtpSettings, to: tuple[str, ...], alert: Alert) -> None:
    """Send the alert to ``to`` through ``smtp`` (raises OSError or SMTPException)."""
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = alert.subject
    msg.set_content(alert.text())
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            context = ssl.create_default_context(cafile=str(smtp.cafile) if smtp.cafile else None)
            client.starttls(context=context)
        if smtp.user is not None:
            client.login(smtp.user, smtp.password or "")
        client.send_message(msg)


def post_webhook(
    url: str,
    alert: Alert,
    *,
    timeout: float = WEBHOOK_TIMEOUT,
    retries: int = WEBHOOK_RETRIES,
    backoff: float = 1.0,
) -> int:
    """POST ``{"text": …}`` to ``url``; the status of the answer that ended it.

    Raises OSError (with the last reason) when every try failed.
    """
    body = json.dumps({"text": alert.text()}).encode()
    last = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                raise OSError(f"the webhook refused the alert: HTTP {exc.code}") from None
            last = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            last = str(getattr(exc, "reason", exc))
    raise OSError(f"the webhook did not take the alert after {retries + 1} tries ({last})")


def deliver(alert: Alert, monitor: Monitor, smtp: SmtpSettings | None) -> str:
    """Send ``alert`` everywhere ``monitor`` says; one line on how each went."""
    results = []
    if monitor.alert_email:
        if smtp is None:
            results.append("e-mail not sent: no SAMTYCKE_SMTP_HOST")
        else:
            try:
                send_email(smtp, monitor.alert_email, alert)
                results.append(f"e-mailed {', '.join(monitor.alert_email)}")
            except (OSError, smtplib.SMTPException) as exc:
                results.append(f"e-mail failed: {exc}")
    if monitor.alert_webhook:
        try:
            status = post_webhook(monitor.alert_webhook, alert)
            results.append(f"webhook answered {status}")
        except OSError as exc:
            results.append(f"webhook failed: {exc}")
    return "; ".join(results) or "no recipients"


class AlertSender:
    """Sends alerts on threads of its own; :meth:`wait` is for commands that end."""

    def __init__(self, threads: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="samtycke-alert")
        self._pending: list[Future[Any]] = []

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        """Run ``fn(*args)`` on an alert thread."""
        future = self._pool.submit(fn, *args)
        self._pending = [f for f in self._pending if not f.done()] + [future]
        return future

    def wait(self) -> None:
        """Until every submitted alert has been sent or has failed."""
        for f in list(self._pending):
            f.exception()

    def close(self) -> None:
        """Finish what is queued and stop the threads."""
        self._pool.shutdown(wait=True)
