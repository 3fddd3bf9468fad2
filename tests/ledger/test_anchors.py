"""Anchors: signed heads outside the database, RFC 3161 timestamps from a local TSA, proofs."""

from __future__ import annotations

import http.server
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.ledger import BrokenChain, Ledger, purge, verify_chain
from samtycke.ledger.anchors import anchor_message, check_anchors, load_anchors, write_anchor
from samtycke.ledger.proofs import build_bundle, check_bundle, check_stored
from samtycke.ledger.receipts import ProofError, check_receipt, make_receipt
from samtycke.ledger.signing import SigningKey
from tests.httpd import serving
from tests.ledger.conftest import decision

TSA_CONFIG = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = samtycke test TSA
[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_alg = sha256
"""


@pytest.fixture
def key(tmp_path: Path) -> SigningKey:
    """A fresh signing key in a file."""
    return SigningKey.load(tmp_path / "key.pem", create=True)


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A time-stamp authority on 127.0.0.1: an HTTP handler answering with `openssl ts -reply`."""
    d = tmp_path / "tsa"
    d.mkdir()
    (d / "cfg").write_text(TSA_CONFIG.format(dir=d))
    (d / "serial").write_text("01\n")
    run = lambda *a: subprocess.run(a, cwd=d, check=True, capture_output=True)  # noqa: E731
    run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "tsa.key")
    run(
        "openssl",
        "req",
        "-x509",
        "-new",
        "-key",
        "tsa.key",
        "-days",
        "1",
        "-out",
        "tsa.crt",
        "-config",
        "cfg",
        "-extensions",
        "tsa_ext",
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"]))
            (d / "q.tsq").write_bytes(query)
            run("openssl", "ts", "-reply", "-config", "cfg", "-queryfile", "q.tsq", "-out", "r.tsr")
            reply = (d / "r.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_port}/", d / "tsa.crt"


def verify_with(led: Ledger, folder: Path) -> None:
    signed = load_anchors(folder)
    verify_chain(led, also=lambda view, v: check_anchors(view, v, signed))


def test_an_anchor_is_signed_and_timestamped_by_a_real_tsa(
    ledger: Ledger, key: SigningKey, tsa: tuple[str, Path], tmp_path: Path
) -> None:
    url, cert = tsa
    ledger.append([decision(i) for i in range(5)])
    path, statement = write_anchor(ledger, tmp_path / "anchors", key, url)
    assert statement["seq"] == 5 and statement["kid"] == key.public.kid
    message = tmp_path / "message"
    message.write_bytes(anchor_message(statement))
    done = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-data",
            str(message),
            "-in",
            str(path.with_suffix(".tsr")),
            "-CAfile",
            str(cert),
        ],
        capture_output=True,
        text=True,
    )
    assert "Verification: OK" in done.stdout, done.stderr
    verify_with(ledger, tmp_path / "anchors")


def test_an_altered_anchor_file_is_named(ledger: Ledger, key: SigningKey, tmp_path: Path) -> None:
    ledger.append([decision(1)])
    path, _ = write_anchor(ledger, tmp_path / "a", key)
    data = json.loads(path.read_text())
    data["statement"]["seq"] = 0
    path.write_text(json.dumps(data))
    with pytest.raises(ProofError, match="signature does not verify"):
        load_anchors(tmp_path / "a")


def test_a_purge_must_be_anchored(ledger: Ledger, key: SigningKey, tmp_path: Path) -> None:
    from tests.ledger.test_retention import T0, fill_days

    fill_days(ledger)
    write_anchor(ledger, tmp_path / "a", key, at_us=T0 + 5 * 86_400_000_000)
    purge(ledger, 2, at_us=T0 + 5 * 86_400_000_000)
    with pytest.raises(BrokenChain, match="purge entry 16 is not anchored"):
        verify_with(ledger, tmp_path / "a")
    write_anchor(ledger, tmp_path / "a", key)
    verify_with(ledger, tmp_path / "a")  # the cut's frontier keeps the old root checkable


def test_a_receipt_is_proven_without_the_database(
    ledger: Ledger, key: SigningKey, tmp_path: Path
) -> None:
    recs = ledger.append([decision(i) for i in range(37)])
    receipt = make_receipt(recs[20], key)
    check_receipt(receipt)
    ledger.append([decision(99)])
    write_anchor(ledger, tmp_path / "a", key)
    with ledger.reading() as view:
        check_stored(view, receipt)
        bundle = build_bundle(view, receipt, load_anchors(tmp_path / "a"))
    assert len(json.dumps(bundle["inclusion"])) < 4096
    assert check_bundle(json.loads(json.dumps(bundle)))["seq"] == 38  # no database involved
    bundle["inclusion"]["path"][0] = "00" * 32
    with pytest.raises(ProofError, match="not under the anchor"):
        check_bundle(bundle)


def test_an_altered_receipt_or_record_is_named(ledger: Ledger, key: SigningKey) -> None:
    rec = ledger.append([decision(1)])[0]
    receipt = make_receipt(rec, key)
    forged = json.loads(json.dumps(receipt))
    forged["record"]["choices"]["marketing"] = True
    with pytest.raises(ProofError, match="does not hash"):
        check_receipt(forged)
    from tests.ledger.tampering import alter

    alter(ledger, 1, "url", "'https://elsewhere.example/'")
    with ledger.reading() as view, pytest.raises(ProofError, match="differs from the receipt"):
        check_stored(view, receipt)


def test_cached_subtrees_serve_proofs_and_a_wrong_one_only_fails(
    ledger: Ledger, key: SigningKey, tmp_path: Path
) -> None:
    from samtycke.ledger import merkle
    from tests.ledger.tampering import sql

    recs = ledger.append([decision(i) for i in range(2 * merkle.BLOCK + 5)])
    write_anchor(ledger, tmp_path / "a", key)  # fills merkle_nodes
    with ledger.reading() as view:
        assert set(view.merkle_nodes()) == {(0, 1024), (1024, 2048), (0, 2048)}
        receipt = make_receipt(recs[100], key)
        check_bundle(build_bundle(view, receipt, load_anchors(tmp_path / "a")))
    sql(ledger, "UPDATE merkle_nodes SET hash = ? WHERE lo = 1024", ("ab" * 32,))  # on its path
    with ledger.reading() as view, pytest.raises(ProofError, match="not under the anchor"):
        build_bundle(view, receipt, load_anchors(tmp_path / "a"))


def test_a_time_stamp_authority_is_asked_over_http_only(tmp_path: Path) -> None:
    from samtycke.declaration.urls import url_problem
    from samtycke.errors import LedgerError
    from samtycke.ledger.tsa import request_timestamp

    secret = tmp_path / "secret"
    secret.write_bytes(b"never read as a reply")
    for url, problem in (
        (secret.as_uri(), "scheme 'file' is not allowed"),
        ("tsa.example", "it does not start with http:// or https://"),
        ("http://", "it needs a host name"),
        ("https://[::1", "it is not well formed"),
    ):
        with pytest.raises(LedgerError) as refused:
            request_timestamp(url, bytes(32))
        assert problem in str(refused.value)
        assert "give the http:// or https:// URL of an RFC 3161" in str(refused.value)
    assert url_problem("https://freetsa.example/tsr") is None  # the one URL rule: these pass
    assert url_problem("http://127.0.0.1:8080/") is None
