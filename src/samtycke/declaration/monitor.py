"""The ``[monitor]`` table: which pages of a site are scanned on a schedule, and who is told.

``urls`` are the start pages (default: ``https://`` and the first of ``[site]
domains``), each crawled as ``samtycke scan`` would with ``max_pages`` and
``depth``; ``every`` is a duration of the expiry grammar ("1 day", "2 weeks").
An alert goes to the ``alert_email`` addresses and the ``alert_webhook`` when a
scan finds a cookie or a violation the previous scan of that page did not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from samtycke.declaration.checks import Checks, show
from samtycke.declaration.expiry import ExpiryGrammarError, parse_expiry
from samtycke.declaration.models import Site
from samtycke.declaration.urls import url_problem

_MONITOR_KEYS = ("urls", "every", "max_pages", "depth", "gpc", "alert_email", "alert_webhook")
_ADDRESS = re.compile(r"[^@\s<>\"'`\\,;]+@[^@\s<>\"'`\\,;]+\.[^@\s<>\"'`\\,;.]+")
MIN_EVERY_SECONDS = 15 * 60  # a scan takes minutes; more often would scan without pause
DEFAULT_EVERY = "1 day"


@dataclass(frozen=True)
class Monitor:
    """A site's scan schedule and alert recipients."""

    urls: tuple[str, ...]
    every_seconds: int
    every: str = DEFAULT_EVERY
    max_pages: int = 20
    depth: int = 3
    gpc: bool = False
    alert_email: tuple[str, ...] = ()
    alert_webhook: str | None = None
    line: int = 0


class MonitorChecks(Checks):
    """Reads ``[monitor]``; mixed into the declaration loader's validator."""

    def monitor(self, raw: object, site: Site | None) -> Monitor | None:
        if raw is None:
            return None
        where = ("monitor",)
        what = "[monitor]"
        t = self.table(raw, where, what)
        if t is None:
            return None
        self.keys(t, _MONITOR_KEYS, where, what)
        urls = self.monitor_urls(t, site)
        every, seconds = self.every(t)
        max_pages = self.integer(t, "max_pages", where, what, 20, 1)
        depth = self.integer(t, "depth", where, what, 3, 0)
        gpc = self.boolean(t, "gpc", where, what, False)
        emails = self.addresses(t)
        webhook = self.url(t, "alert_webhook", where, what)
        return Monitor(
            urls,
            seconds,
            every,
            max_pages,
            depth,
            gpc,
            emails,
            webhook,
            self.lines.line(*where),
        )

    def monitor_urls(self, t: Mapping[str, Any], site: Site | None) -> tuple[str, ...]:
        where = ("monitor", "urls")
        raw = t.get("urls")
        if raw is None:
            return (f"https://{site.domains[0]}/",) if site else ()
        if not isinstance(raw, list) or not raw or not all(isinstance(u, str) for u in raw):
            self.error(
                where,
                f'[monitor]: urls must be a non-empty list like ["https://example.com/"], '
                f"not {show(raw)}",
            )
            return ()
        out: list[str] = []
        for u in raw:
            problem = url_problem(u)
            if problem is not None:
                self.error(where, f"[monitor]: url {u!r} is not an http(s) URL ({problem})")
            elif u in out:
                self.error(where, f"[monitor]: url {u!r} is listed twice")
            else:
                out.append(u)
        return tuple(out)

    def every(self, t: Mapping[str, Any]) -> tuple[str, int]:
        where = ("monitor", "every")
        value = t.get("every", DEFAULT_EVERY)
        hint = '(try "6 hours", "1 day" or "1 month")'
        if not isinstance(value, str):
            self.error(
                where, f"[monitor]: every must be a duration string {hint}, not {show(value)}"
            )
            return DEFAULT_EVERY, 86400
        try:
            parsed = parse_expiry(value)
        except ExpiryGrammarError:
            self.error(where, f"[monitor]: every {value!r} is not a duration {hint}")
            return DEFAULT_EVERY, 86400
        if parsed.seconds is None:
            self.error(where, f"[monitor]: every {value!r} is not a duration {hint}")
            return DEFAULT_EVERY, 86400
        if parsed.seconds < MIN_EVERY_SECONDS:
            self.error(
                where,
                f"[monitor]: every {value!r} is shorter than the minimum of 15 minutes "
                "(a scan of a site takes minutes itself)",
            )
            return DEFAULT_EVERY, 86400
        return str(parsed), parsed.seconds

    def addresses(self, t: Mapping[str, Any]) -> tuple[str, ...]:
        where = ("monitor", "alert_email")
        raw = t.get("alert_email")
        if raw is None:
            return ()
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not all(isinstance(a, str) for a in values):
            self.error(
                where,
                '[monitor]: alert_email must be an address or a list like ["privacy@example.com"], '
                f"not {show(raw)}",
            )
            return ()
        out = []
        for a in values:
            if _ADDRESS.fullmatch(a.strip()) is None:
                self.error(where, f"[monitor]: alert_email {a!r} is not an e-mail address")
            else:
                out.append(a.strip())
        return tuple(out)
