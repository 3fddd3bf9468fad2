"""Server settings: one typed class, filled from the environment and the CLI.

Every setting has an environment variable so a container needs no command line:

==========================  =======================  ==================================
variable                    default                  meaning
==========================  =======================  ==================================
SAMTYCKE_DECLARATION        (required)               a samtycke.toml, or a folder of them
SAMTYCKE_DB                 sqlite:///samtycke.db    ledger database URL
SAMTYCKE_HOST               127.0.0.1                address to listen on
SAMTYCKE_PORT               8000                     port to listen on
SAMTYCKE_WORKERS            1                        server processes
SAMTYCKE_PUBLIC_URL         (from each request)      base URL the banner posts to
SAMTYCKE_IP                 truncate                 truncate (/24, /48) | full | off
SAMTYCKE_USER_AGENT         off                      on: store the user agent
SAMTYCKE_RATE_LIMIT         10/s,60                  per pseudonymised IP: rate,burst | off
SAMTYCKE_BATCH              512                      most records in one commit
SAMTYCKE_FORWARDED_ALLOW    127.0.0.1                proxies (addresses, networks) trusted to forward
SAMTYCKE_MAIL_KEY_FILE      (none)                   mail key: turns on the e-mail endpoints
==========================  =======================  ==================================
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from samtycke.errors import SamtyckeError

IP_MODES = ("truncate", "full", "off")
BODY_LIMIT = 16 * 1024
BODY_SECONDS = 10.0  # a slow body holds a connection and a task; honest ones take milliseconds
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*s\s*,\s*(\d+)\s*$")


class ConfigError(SamtyckeError):
    """A setting has a value the server cannot use (exit 2)."""


@dataclass(frozen=True)
class ServerConfig:
    """Everything the consent server needs to start."""

    declaration: Path
    db: str = "sqlite:///samtycke.db"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    public_url: str | None = None
    ip_mode: str = "truncate"
    store_user_agent: bool = False
    rate: float = 10.0  # tokens per second; 0 turns rate limiting off
    burst: int = 60
    batch: int = 512
    forwarded_allow: str = "127.0.0.1"
    demo: bool = False
    mail_key_file: Path | None = None

    @property
    def ledger_url(self) -> str:
        """The database URL the server opens: ``db`` with the server's session limits."""
        return with_database_timeouts(self.db)

    def with_overrides(self, **changes: Any) -> ServerConfig:
        """A copy with the given settings replaced (None means keep)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_env(self) -> dict[str, str]:
        """The environment that recreates this configuration in a worker process."""
        env = {
            "SAMTYCKE_DECLARATION": str(self.declaration),
            "SAMTYCKE_DB": self.db,
            "SAMTYCKE_HOST": self.host,
            "SAMTYCKE_PORT": str(self.port),
            "SAMTYCKE_WORKERS": str(self.workers),
            "SAMTYCKE_IP": self.ip_mode,
            "SAMTYCKE_USER_AGENT": "on" if self.store_user_agent else "off",
            "SAMTYCKE_RATE_LIMIT": f"{self.rate}/s,{self.burst}" if self.rate > 0 else "off",
            "SAMTYCKE_BATCH": str(self.batch),
            "SAMTYCKE_FORWARDED_ALLOW": self.forwarded_allow,
            "SAMTYCKE_DEMO": "on" if self.demo else "off",
        }
        if self.public_url:
            env["SAMTYCKE_PUBLIC_URL"] = self.public_url
        if self.mail_key_file:
            env["SAMTYCKE_MAIL_KEY_FILE"] = str(self.mail_key_file)
        return env


def config_from_env(env: Mapping[str, str], **overrides: Any) -> ServerConfig:
    """Read the ``SAMTYCKE_*`` variables; ``overrides`` (CLI options) win when not None."""
    decl = overrides.pop("declaration", None) or env.get("SAMTYCKE_DECLARATION")
    if not decl:
        raise ConfigError("no declaration: pass --declaration FILE|DIR or set SAMTYCKE_DECLARATION")
    rate, burst = parse_rate(env.get("SAMTYCKE_RATE_LIMIT", "10/s,60"), "SAMTYCKE_RATE_LIMIT")
    cfg = ServerConfig(
        declaration=Path(decl),
        db=env.get("SAMTYCKE_DB", "sqlite:///samtycke.db"),
        host=env.get("SAMTYCKE_HOST", "127.0.0.1"),
        port=_int(env, "SAMTYCKE_PORT", 8000, 0, 65535),
        workers=_int(env, "SAMTYCKE_WORKERS", 1, 1, 64),
        public_url=env.get("SAMTYCKE_PUBLIC_URL") or None,
        ip_mode=_choice(env, "SAMTYCKE_IP", "truncate", IP_MODES),
        store_user_agent=_bool(env, "SAMTYCKE_USER_AGENT", False),
        rate=rate,
        burst=burst,
        batch=_int(env, "SAMTYCKE_BATCH", 512, 1, 10_000),
        forwarded_allow=env.get("SAMTYCKE_FORWARDED_ALLOW", "127.0.0.1"),
        demo=_bool(env, "SAMTYCKE_DEMO", False),
        mail_key_file=Path(env["SAMTYCKE_MAIL_KEY_FILE"])
        if env.get("SAMTYCKE_MAIL_KEY_FILE")
        else None,
    )
    parse_proxies(cfg.forwarded_allow)
    if cfg.public_url and not re.match(r"^https?://[^/\s]+$", cfg.public_url.rstrip("/")):
        raise ConfigError(
            f"SAMTYCKE_PUBLIC_URL has value {cfg.public_url!r}: not a base URL "
            "(like https://consent.example.com)"
        )
    return cfg.with_overrides(**overrides)


# Server-side limits on every PostgreSQL session of the consent server: a
# statement (a chain append, a lookup) gives up after STATEMENT_MS, and a session
# that a partition leaves inside a transaction releases the chain-head lock
# after IDLE_IN_TRANSACTION_MS instead of blocking every other replica.
STATEMENT_MS = 5_000
IDLE_IN_TRANSACTION_MS = 15_000


def with_database_timeouts(url: str) -> str:
    """``url`` with the server's PostgreSQL session limits, unless it sets ``options`` itself."""
    if not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        return url
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if any(key == "options" for key, _ in query):
        return url
    options = (
        f"-c statement_timeout={STATEMENT_MS} "
        f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"
    )
    query.append(("options", options))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def parse_proxies(value: str, name: str = "SAMTYCKE_FORWARDED_ALLOW") -> tuple[Network, ...]:
    """The proxy networks in ``value`` (ConfigError naming ``name`` for a bad entry)."""
    networks: list[Network] = []
    for raw in value.split(","):
        item = raw.strip()
        if not item:
            continue
        if item == "*":
            raise ConfigError(
                f"{name} has value {value!r}: '*' would let every client choose its own "
                "address; list the proxies' addresses or networks (like 10.0.0.0/8)"
            )
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"{name} has value {value!r}: {item!r} is not an IP address or network "
                "(like 127.0.0.1, 10.0.0.0/8 or ::1)"
            ) from None
    return tuple(networks)


def parse_rate(value: str, name: str = "--rate-limit") -> tuple[float, int]:
    """``"10/s,60"`` → (10.0, 60); ``"off"`` or ``"0"`` → (0.0, 0)."""
    if value.strip().lower() in ("off", "0", "none"):
        return 0.0, 0
    m = _RATE.match(value)
    if not m or float(m.group(1)) <= 0 or int(m.group(2)) < 1:
        raise ConfigError(f"{name} has value {value!r}: not RATE/s,BURST (like 10/s,60) or off")
    return float(m.group(1)), int(m.group(2))


def _int(env: Mapping[str, str], key: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{key} has value {raw!r}: not a whole number") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{key} has value {raw!r}: must be between {lo} and {hi}")
    return value


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    low = raw.strip().lower()
    if low in ("1", "on", "true", "yes"):
        return True
    if low in ("0", "off", "false", "no"):
        return False
    raise ConfigError(f"{key} has value {raw!r}: not a valid bool (on/off)")


def _choice(env: Mapping[str, str], key: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(key) or default
    if raw not in choices:
        raise ConfigError(f"{key} has value {raw!r}: must be one of {', '.join(choices)}")
    return raw
