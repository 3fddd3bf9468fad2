"""Ed25519 keys of a ledger: the server signs receipts and anchors, anyone checks them.

The private key lives in a file outside the database (PEM, PKCS #8, mode 0600),
so whoever can write the database cannot sign. The public key is published as
a JSON Web Key set at ``/.well-known/samtycke-keys.json``; its ``kid`` is the
first 16 hex digits of the sha256 of the raw 32-byte key.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from samtycke.errors import LedgerError, ProofError


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JSON Web Keys and signatures use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """The bytes of unpadded base64url text (ValueError when it is not)."""
    if not isinstance(text, str):
        raise ValueError("not base64url text")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class PublicKey:
    """A verifying key and its id."""

    raw: bytes

    @functools.cached_property
    def kid(self) -> str:
        """The key id: 16 hex digits of sha256 over the raw key."""
        return hashlib.sha256(self.raw).hexdigest()[:16]

    @functools.cached_property
    def x(self) -> str:
        """The raw key as base64url text (the JSON Web Key's ``x``)."""
        return b64url(self.raw)

    def verify(self, signature: str, message: bytes) -> bool:
        """True when ``signature`` (base64url) signs ``message`` with this key."""
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(unb64url(signature), message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def jwk(self) -> dict[str, str]:
        """The key as a JSON Web Key (RFC 8037)."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": self.x,
            "kid": self.kid,
            "use": "sig",
        }

    @classmethod
    def kid_of(cls, x: str) -> str:
        """The key id of a key written as base64url text; "unreadable" when it is none."""
        try:
            return cls.from_text(x).kid
        except ValueError:
            return "unreadable"

    @classmethod
    def from_text(cls, x: str) -> PublicKey:
        """The key from its base64url raw form (ValueError when malformed)."""
        raw = unb64url(x)
        if len(raw) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        return cls(raw)


class SigningKey:
    """The server's private key."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public = PublicKey(raw)

    def sign(self, message: bytes) -> str:
        """The base64url Ed25519 signature of ``message``."""
        return b64url(self._key.sign(message))

    @classmethod
    def load(cls, path: Path, *, create: bool = False) -> SigningKey:
        """The key in ``path``; with ``create`` a new one is made there when absent."""
        if create and not path.exists():
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: use theirs
            except OSError as exc:
                raise LedgerError(f"cannot create the signing key {path}: {exc.strerror}") from None
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(pem)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise LedgerError(f"cannot read the signing key {path}: {exc.strerror}") from None
        try:
            loaded = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise LedgerError(f"{path}: not an unencrypted PEM private key") from None
        if not isinstance(loaded, Ed25519PrivateKey):
            raise LedgerError(f"{path}: not an Ed25519 key (samtycke signs with Ed25519)")
        return cls(loaded)


def key_set(keys: list[PublicKey]) -> dict[str, Any]:
    """The JSON Web Key set published at ``/.well-known/samtycke-keys.json``."""
    return {"keys": [k.jwk() for k in keys]}


@dataclass(frozen=True)
class KeySet:
    """The keys trusted to have signed receipts and anchors, and where they were read.

    Saved from ``/.well-known/samtycke-keys.json``, it names every key the
    server has signed with, so what an old key signed stays provable after
    the key is rotated.
    """

    keys: tuple[PublicKey, ...]
    source: str

    def check(self, key: PublicKey, what: str) -> None:
        """ProofError unless ``key`` (which signed ``what``) is one of the set."""
        if all(k.raw != key.raw for k in self.keys):
            raise ProofError(
                f"{what} is signed by key {key.kid}, which {self.source} does not hold"
            )

    @classmethod
    def read(cls, path: Path) -> KeySet:
        """A saved JSON Web Key set; LedgerError naming the file and what is wrong."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise LedgerError(f"{path}: cannot read it: {exc.strerror}") from None
        except ValueError:  # also undecodable bytes
            raise LedgerError(f"{path}: not JSON") from None
        jwks = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(jwks, list):
            raise LedgerError(f'{path}: no "keys" list')
        if not jwks:
            raise LedgerError(f"{path}: holds no key")
        keys = []
        for n, jwk in enumerate(jwks, 1):
            try:
                if jwk["kty"] != "OKP" or jwk["crv"] != "Ed25519":
                    raise ValueError("another kind of key")
                key = PublicKey.from_text(jwk["x"])
            except (KeyError, TypeError, ValueError):
                raise LedgerError(f"{path}: key {n} is not an Ed25519 key") from None
            if jwk.get("kid", key.kid) != key.kid:
                raise LedgerError(f"{path}: key {n}'s kid is not the id of its x")
            keys.append(key)
        return cls(tuple(keys), str(path))
