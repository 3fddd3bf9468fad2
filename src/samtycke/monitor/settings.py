"""The monitor's deployment settings: the SMTP server, the broker, the report links.

They belong to the machine, not to a site, so they come from the environment
(and the ``samtycke monitor`` options), never from a declaration:

SAMTYCKE_SMTP_HOST           (none: no e-mail)     SMTP server for alert e-mails
SAMTYCKE_SMTP_PORT           587                   its port
SAMTYCKE_SMTP_STARTTLS       on                    upgrade the connection with STARTTLS
SAMTYCKE_SMTP_USER           (none)                log in as this user …
SAMTYCKE_SMTP_PASSWORD_FILE  (none)                … with the password in this file
SAMTYCKE_SMTP_FROM           samtycke@localhost    the alerts' From address
SAMTYCKE_SMTP_CAFILE         (system store)        CA certificates to check the server with
SAMTYCKE_MONITOR             embedded              samtycke serve: embedded | off | a broker URL
SAMTYCKE_MONITOR_QUEUE       samtycke-scans        the broker queue of scan jobs
SAMTYCKE_PUBLIC_URL          (none)                base URL of the console, for report links
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from samtycke.server.config import ConfigError, _bool, _int

DEFAULT_QUEUE = "samtycke-scans"


@dataclass(frozen=True)
class SmtpSettings:
    """Where alert e-mails go out and how the client authenticates."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = None
    sender: str = "samtycke@localhost"
    cafile: Path | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class MonitorSettings:
    """Everything the scheduler needs beyond the declarations and the database."""

    smtp: SmtpSettings | None = None
    broker: str | None = None  # None: jobs run in this process
    queue: str = DEFAULT_QUEUE
    public_url: str | None = None
    embedded: bool = True  # samtycke serve runs the scheduler


def smtp_from_env(env: Mapping[str, str]) -> SmtpSettings | None:
    """The SMTP settings of ``SAMTYCKE_SMTP_*``; None when no host is set."""
    host = env.get("SAMTYCKE_SMTP_HOST")
    if not host:
        return None
    password = None
    pw_file = env.get("SAMTYCKE_SMTP_PASSWORD_FILE")
    if pw_file:
        try:
            password = Path(pw_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"SAMTYCKE_SMTP_PASSWORD_FILE {pw_file!r}: cannot be read ({exc.strerror or exc})"
            ) from None
    user = env.get("SAMTYCKE_SMTP_USER") or None
    if password is not None and user is None:
        raise ConfigError("SAMTYCKE_SMTP_PASSWORD_FILE is set but SAMTYCKE_SMTP_USER is not")
    cafile = env.get("SAMTYCKE_SMTP_CAFILE")
    if cafile and not Path(cafile).is_file():
        raise ConfigError(f"SAMTYCKE_SMTP_CAFILE {cafile!r}: no such file")
    return SmtpSettings(
        host=host,
        port=_int(env, "SAMTYCKE_SMTP_PORT", 587, 1, 65535),
        starttls=_bool(env, "SAMTYCKE_SMTP_STARTTLS", True),
        user=user,
        password=password,
        sender=env.get("SAMTYCKE_SMTP_FROM") or "samtycke@localhost",
        cafile=Path(cafile) if cafile else None,
    )


def settings_from_env(env: Mapping[str, str], broker: str | None = None) -> MonitorSettings:
    """The monitor settings of the environment; ``broker`` (an option) wins."""
    mode = env.get("SAMTYCKE_MONITOR", "embedded").strip()
    embedded = mode != "off"
    if broker is None and mode not in ("embedded", "off"):
        if not mode.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(
                f"SAMTYCKE_MONITOR has value {mode!r}: give embedded, off or a Redis URL "
                "(redis://HOST:6379/0)"
            )
        broker = mode
    return MonitorSettings(
        smtp=smtp_from_env(env),
        broker=broker,
        queue=env.get("SAMTYCKE_MONITOR_QUEUE") or DEFAULT_QUEUE,
        public_url=(env.get("SAMTYCKE_PUBLIC_URL") or "").rstrip("/") or None,
        embedded=embedded,
    )
