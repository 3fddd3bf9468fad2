"""The mail key and the pseudonymous recipient id derived from it.

One secret, kept outside the database (a key file or ``SAMTYCKE_MAIL_KEY``),
gives two sub-keys: one turns an address into a recipient id, the other signs
the tokens in pixels and links. Whoever holds only the database cannot turn a
recipient id back into an address, nor test a guessed address against it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from samtycke.mail.errors import MailError

MIN_KEY_BYTES = 32
ENV_KEY = "SAMTYCKE_MAIL_KEY"
ENV_KEY_FILE = "SAMTYCKE_MAIL_KEY_FILE"


@dataclass(frozen=True, repr=False)
class MailKey:
    """The secret behind recipient ids and token signatures (never printed)."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise MailError(
                f"the mail key has {len(self.secret)} bytes; it needs at least {MIN_KEY_BYTES} "
                "(make one with: samtycke mail key -o FILE)"
            )

    def __repr__(self) -> str:
        return "MailKey(<secret>)"

    def sub_key(self, purpose: str) -> bytes:
        """A key for one purpose, so a token signature never doubles as a recipient id."""
        return hmac.new(self.secret, b"samtycke-mail/" + purpose.encode(), hashlib.sha256).digest()

    def recipient_id(self, address: str) -> str:
        """The pseudonymous id of ``address``: 32 hex of HMAC-SHA256 of the normalised address."""
        norm = normalise_address(address)
        return hmac.new(self.sub_key("recipient"), norm.encode(), hashlib.sha256).hexdigest()[:32]


def normalise_address(address: str) -> str:
    """An address as one recipient: NFC, trimmed, lower case (MailError if it is none)."""
    norm = unicodedata.normalize("NFC", address).strip().lower()
    local, at, domain = norm.rpartition("@")
    if not at or not local or "." not in domain or any(ch.isspace() for ch in norm):
        raise MailError(f"{address!r} is not an e-mail address (like name@example.com)")
    return norm


def new_key_text() -> str:
    """A fresh key as 64 hex digits, the form key files hold."""
    return secrets.token_hex(32)


def key_from_text(text: str, where: str) -> MailKey:
    """A key written as hex (64 digits from ``samtycke mail key``) or as any long passphrase."""
    text = text.strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = text.encode()
    if len(raw) < MIN_KEY_BYTES:
        raise MailError(
            f"{where}: the mail key is too short ({len(raw)} bytes, at least {MIN_KEY_BYTES}); "
            "make one with: samtycke mail key -o FILE"
        )
    return MailKey(raw)


def load_key_file(path: Path) -> MailKey:
    """Read a key file (MailError with the path when it cannot be used)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MailError(
            f"{path}: no such key file (make one with: samtycke mail key -o FILE)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MailError(f"{path}: cannot read the mail key ({exc})") from None
    return key_from_text(text, str(path))


def key_from_env(env: Mapping[str, str]) -> MailKey | None:
    """The key from ``SAMTYCKE_MAIL_KEY_FILE`` or ``SAMTYCKE_MAIL_KEY``; None when neither is set."""
    if env.get(ENV_KEY_FILE):
        return load_key_file(Path(env[ENV_KEY_FILE]))
    if env.get(ENV_KEY):
        return key_from_text(env[ENV_KEY], ENV_KEY)
    return None
