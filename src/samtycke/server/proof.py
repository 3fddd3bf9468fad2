"""The server's side of proof: its signing key, the published key set, scheduled anchors.

Settings (environment, so every worker process reads the same):

==========================  ==========================================  ============================
variable                    default                                     meaning
==========================  ==========================================  ============================
SAMTYCKE_SIGNING_KEY        ``<db file>.signing-key.pem`` (SQLite),     Ed25519 key signing receipts
                            ``~/.local/share/samtycke/signing-key.pem``  and anchors; made when absent
SAMTYCKE_ANCHORS            (none: no scheduled anchors)                folder anchors are written to
SAMTYCKE_ANCHOR_EVERY       3600                                        seconds between anchors
SAMTYCKE_TSA                (none)                                      RFC 3161 authority for anchors
SAMTYCKE_RETIRED_KEYS       (none)                                      keys signed with before a
                                                                        rotation (``public_key``
                                                                        values), still published
==========================  ==========================================  ============================
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse

from samtycke.declaration.urls import url_problem
from samtycke.errors import LedgerError
from samtycke.ledger import Ledger
from samtycke.ledger.signing import PublicKey, SigningKey, key_set
from samtycke.ledger.store import now_us
from samtycke.ledger.tsa import URL_HINT
from samtycke.server.config import ConfigError

log = logging.getLogger("samtycke.proof")


@dataclass(frozen=True)
class ProofSettings:
    """Where the key is and how often to anchor."""

    key_file: Path
    anchors: Path | None = None
    anchor_every: float = 3600.0
    tsa: str | None = None
    retired: tuple[PublicKey, ...] = ()


def default_key_file(db_url: str) -> Path:
    """Next to a SQLite ledger; in the user's data folder for PostgreSQL."""
    try:
        url = make_url(db_url)
    except (ArgumentError, ValueError):
        url = None  # a bad URL is reported when the ledger opens
    if url is not None and url.get_backend_name() == "sqlite" and url.database:
        return Path(f"{url.database}.signing-key.pem")
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "samtycke" / "signing-key.pem"


def settings_from_env(env: Mapping[str, str], db_url: str) -> ProofSettings:
    """Read the SAMTYCKE_* proof settings (ConfigError naming a bad one)."""
    every_text = env.get("SAMTYCKE_ANCHOR_EVERY", "3600")
    try:
        every = float(every_text)
    except ValueError:
        every = -1.0
    if not 1 <= every <= 86_400 * 7:
        raise ConfigError(
            f"SAMTYCKE_ANCHOR_EVERY has value {every_text!r}: give seconds between 1 and 604800"
        )
    anchors = env.get("SAMTYCKE_ANCHORS") or None
    key = env.get("SAMTYCKE_SIGNING_KEY") or None
    tsa = env.get("SAMTYCKE_TSA") or None
    problem = None if tsa is None else url_problem(tsa)
    if problem is not None:
        raise ConfigError(f"SAMTYCKE_TSA has value {tsa!r}: {problem} ({URL_HINT})")
    return ProofSettings(
        key_file=Path(key) if key else default_key_file(db_url),
        anchors=Path(anchors) if anchors else None,
        anchor_every=every,
        tsa=tsa,
        retired=_retired_keys(env.get("SAMTYCKE_RETIRED_KEYS", "")),
    )


def _retired_keys(text: str) -> tuple[PublicKey, ...]:
    keys = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            keys.append(PublicKey.from_text(part))
        except ValueError:
            raise ConfigError(
                f"SAMTYCKE_RETIRED_KEYS has value {part!r}: give the public_key (base64url) "
                "of each key this server signed with before, comma separated"
            ) from None
    return tuple(keys)


def load_key(settings: ProofSettings) -> SigningKey:
    """The signing key, made on first start."""
    settings.key_file.parent.mkdir(parents=True, exist_ok=True)
    return SigningKey.load(settings.key_file, create=True)


def open_proof(settings: ProofSettings) -> SigningKey:
    """What serving needs of the proof settings: the key, and a folder anchors can go into.

    A folder that cannot take files is refused at start (ConfigError), not
    found by the first scheduled anchor an hour later. It is made when
    missing; nothing is written into it to try, as it may be write-once storage.
    """
    folder = settings.anchors
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise ConfigError(f"SAMTYCKE_ANCHORS: {folder} is not a folder") from None
        except OSError as exc:
            raise ConfigError(
                f"SAMTYCKE_ANCHORS: cannot make the folder {folder}: {exc.strerror or exc}"
            ) from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ConfigError(f"SAMTYCKE_ANCHORS: {folder} is not writable by this user")
    return load_key(settings)


def check_ledger_key(engine: Engine, key: PublicKey, retired: tuple[PublicKey, ...]) -> None:
    """Every server of one ledger signs with one key: ConfigError for a server with another.

    Replicas that each made a key of their own would hand out receipts the
    key set of the next replica does not hold. A server with a new key is
    accepted when the ledger's key is among its retired ones: that declares a
    rotation, and the new key becomes the ledger's.
    """
    from samtycke.ledger.runs import set_signing_key, signing_key

    stored = signing_key(engine, key.x)
    if stored == key.x:
        return
    if any(k.x == stored for k in retired):
        set_signing_key(engine, key.x)
        log.warning("samtycke: the ledger's signing key is now %s (rotated)", key.kid)
        return
    raise ConfigError(
        f"this server's signing key {key.kid} is not the ledger's ({PublicKey.kid_of(stored)}, used by the "
        "servers before): give every server the same SAMTYCKE_SIGNING_KEY, or, to rotate "
        f"the key, set SAMTYCKE_RETIRED_KEYS={stored}"
    )


class Anchorer:
    """Writes an anchor every ``anchor_every`` seconds when the chain has moved.

    Every process serving the ledger runs one; the ledger hands each round to
    one of them (``take_round``), so several workers still write one anchor
    per round, and a restart does not anchor a head already anchored.
    """

    # A round is the process's when the last was taken this much of the interval
    # before: whichever process's timer comes first takes it, the rest see it taken.
    ROUND_SHARE = 0.9

    def __init__(self, ledger: Ledger, key: SigningKey, settings: ProofSettings) -> None:
        self._ledger, self._key, self._settings = ledger, key, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="samtycke-anchor", daemon=True)

    def start(self) -> None:
        """Start anchoring in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop, after the anchor in progress (if any)."""
        self._stop.set()
        self._thread.join(timeout=30)

    def anchor_now(self, at_us: int | None = None) -> bool:
        """This round: write one anchor if the round is ours and the head moved; True when written."""
        from samtycke.ledger.anchors import write_anchor
        from samtycke.ledger.runs import round_done, take_round

        assert self._settings.anchors is not None
        at = now_us() if at_us is None else at_us
        gap = int(self._settings.anchor_every * self.ROUND_SHARE * 1_000_000)
        engine, head = self._ledger.engine, self._ledger.head().seq
        if head == 0 or not take_round(engine, "anchor", head, at, gap):
            return False  # nothing recorded yet, or not this process's round
        try:
            _, statement = write_anchor(
                self._ledger, self._settings.anchors, self._key, self._settings.tsa, at
            )
        except Exception:
            with contextlib.suppress(SQLAlchemyError):
                round_done(engine, "anchor", None)
            raise
        if statement["seq"] != head:
            round_done(engine, "anchor", statement["seq"])
        return True

    def _run(self) -> None:
        while not self._stop.wait(self._settings.anchor_every):
            try:
                self.anchor_now()
            except (LedgerError, SQLAlchemyError) as exc:  # the next round tries again
                log.warning("samtycke: scheduled anchor failed: %s", exc)
            except Exception:  # nor does anything unforeseen end anchoring for good
                log.exception("samtycke: scheduled anchor failed")


async def keys_json(request: Request) -> JSONResponse:
    """``GET /.well-known/samtycke-keys.json``: the keys receipts and anchors are signed with.

    The signing key first, then the retired ones (``SAMTYCKE_RETIRED_KEYS``).
    """
    st = request.app.state.samtycke
    key: SigningKey | None = st.signing_key
    keys = [key.public] if key is not None else []
    keys += [k for k in st.retired_keys if k not in keys]  # what they signed stays provable
    return JSONResponse(key_set(keys), headers={"Cache-Control": "public, max-age=300"})


MIN_FREE_BYTES = 64 * 1024 * 1024  # room for the write-ahead log between checkpoints


def write_problem(ledger: Ledger, failing: str | None) -> str | None:
    """Why the ledger cannot take writes now, or None when it can.

    After the writer's last batch failed, a write transaction is tried (and
    rolled back), so health recovers even while a load balancer sends no
    traffic; on SQLite a nearly full disk is reported before it fails a batch.
    """
    if failing is not None:
        try:
            ledger.probe_write()
        except LedgerError:
            return failing
    folder = ledger.data_folder()
    if folder is not None:
        try:
            stat = os.statvfs(folder)
        except OSError as exc:
            return f"cannot inspect the ledger's disk: {exc.strerror}"
        free = stat.f_bavail * stat.f_frsize
        if free < MIN_FREE_BYTES:
            return f"the ledger's disk is full ({free} bytes free)"
    return None
