"""``samtycke ledger export|verify|purge|stats`` with their exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.ledger import Ledger
from samtycke.ledger.retention import DAY_US
from samtycke.ledger.store import now_us
from tests.ledger.conftest import decision, open_ledger
from tests.ledger.test_chain import alter


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A ledger with 6 records: 3 from ten days ago, 3 from today."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_ledger(url) as led:
        led.append([decision(i) for i in range(3)], at_us=now_us() - 10 * DAY_US)
        every = {"necessary": True, "analytics": True, "marketing": True}
        led.append([decision(i, method="accept-all", choices=every) for i in range(3, 6)])
    return url


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_verify_ok_then_names_the_altered_record(db: str) -> None:
    code, out, _ = run("ledger", "verify", "--db", db)
    assert code == 0 and "ok: 6 records verified" in out
    with Ledger(db) as led:
        alter(led, 5, "url", "'https://forged.example/'")
    code, _, err = run("ledger", "verify", "--db", db)
    assert code == 1
    assert err.startswith("samtycke: record 5 (id ") and "altered" in err
    assert len(err.strip().splitlines()) == 1


def test_export_jsonl_and_csv_with_dates(db: str, tmp_path: Path) -> None:
    code, out, err = run("ledger", "export", "--db", db, "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 6 and "exported 6 records" in err
    assert json.loads(out.splitlines()[0])["seq"] == 1
    target = tmp_path / "out.csv"
    today = out.splitlines()[-1]
    day = json.loads(today)["recorded_at"][:10]
    code, _, _ = run(
        "ledger", "export", "--db", db, "--format", "csv", "--since", day, "-o", str(target)
    )
    assert code == 0
    lines = target.read_text().splitlines()
    assert lines[0].startswith("seq,record_id") and len(lines) == 4
    code, out, _ = run("ledger", "export", "--db", db, "--format", "jsonl", "--until", day)
    assert code == 0 and len(out.splitlines()) == 6  # --until a date includes that day


def test_purge_keeps_the_chain_verifiable(db: str) -> None:
    code, out, _ = run("ledger", "purge", "--db", db, "--older-than", "5")
    assert code == 0 and "purged 3 records" in out
    code, out, _ = run("ledger", "verify", "--db", db)
    assert code == 0 and "3 records verified (after the purge at seq 7)" in out


def test_stats_prints_a_table(db: str) -> None:
    code, out, _ = run("ledger", "stats", "--db", db)
    assert code == 0
    rows = [line for line in out.splitlines() if "shop" in line]
    assert "analytics" in out and "marketing" in out and len(rows) == 2
    assert rows[0].split("│")[3:6] == [" 3 ".rjust(11), " 67% ".rjust(11), " 33% ".rjust(11)]
    assert rows[1].split("│")[3:6] == [" 3 ".rjust(11), " 100% ".rjust(11), " 100% ".rjust(11)]


@pytest.mark.parametrize(
    "args",
    [
        ("ledger", "verify", "--db", "mysql://x/y"),
        ("ledger", "stats", "--db", "sqlite:////nonexistent/dir/l.db"),
        ("ledger", "export", "--db", "sqlite:////nonexistent/l.db", "--format", "csv"),
        ("ledger", "purge", "--db", "postgresql://nobody@127.0.0.1:1/x", "--older-than", "3"),
    ],
)
def test_unusable_databases_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert err.startswith("samtycke: ") and len(err.strip().splitlines()) == 1


def test_bad_options_exit_2(db: str) -> None:
    assert run("ledger", "export", "--db", db, "--format", "xml")[0] == 2
    assert run("ledger", "purge", "--db", db, "--older-than", "-1")[0] == 2
    assert run("ledger", "export", "--db", db, "--format", "csv", "--since", "yesterday")[0] == 2


def test_export_file_appears_whole_or_not_at_all(db: str, tmp_path: Path) -> None:
    code, _, err = run(
        "ledger", "export", "--db", db, "--format", "csv", "-o", str(tmp_path / "no" / "x.csv")
    )
    assert code == 2 and "cannot write" in err
    target = tmp_path / "keep.csv"
    target.write_text("old\n")
    missing = f"sqlite:///{tmp_path / 'missing.db'}"
    code, _, _ = run("ledger", "export", "--db", missing, "--format", "csv", "-o", str(target))
    assert code == 2
    assert target.read_text() == "old\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    code, _, _ = run("ledger", "export", "--db", db, "--format", "csv", "-o", str(target))
    assert code == 0 and target.read_text().startswith("seq,record_id")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_verify_prints_the_head_it_checked(db: str) -> None:
    code, out, _ = run("ledger", "verify", "--db", db)
    with Ledger(db) as led:
        head = led.head()
    assert code == 0
    assert f"head: seq 6 hash {head.hash} time " in out


def test_a_malformed_row_is_one_line_and_exit_1(db: str) -> None:
    from tests.ledger.tampering import alter

    with Ledger(db) as led:
        alter(led, 2, "revision", "'one'")
    code, _, err = run("ledger", "verify", "--db", db)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "record 2: revision holds 'one' (str), not an integer" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("export", "--format", "jsonl", "--until", "9999-12-31"), None),
        (("purge", "--older-than", "1000000000000"), "not in the range"),
    ],
)
def test_extreme_dates_and_days_are_handled(
    db: str, args: tuple[str, ...], words: str | None
) -> None:
    code, out, err = run("ledger", args[0], "--db", db, *args[1:])
    if words is None:
        assert code == 0 and len(out.splitlines()) == 6  # no upper bound: everything
    else:
        assert code == 2 and words in err and "Traceback" not in err


@pytest.mark.parametrize(
    "url", ["postgresql://u@h:notaport/db", "postgresql://[::1/db", "sqlite://"]
)
def test_a_malformed_database_url_is_one_line(url: str) -> None:
    code, _, err = run("ledger", "verify", "--db", url)
    assert code == 2 and err.startswith("samtycke: ") and len(err.strip().splitlines()) == 1


def test_export_to_a_full_device_is_one_line(db: str) -> None:
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "samtycke", "ledger", "export", "--db", db, "--format", "csv"]
    for extra, stdout in (([], "/dev/full"), (["-o", "/dev/full"], None)):
        with open(stdout or "/dev/null", "w") as sink:
            done = subprocess.run(cmd + extra, stdout=sink, stderr=subprocess.PIPE, text=True)
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines() == [
            "samtycke: cannot write "
            + ("standard output" if stdout else "/dev/full")
            + ": No space left on device"
        ]
    assert Path("/dev/full").is_char_device()  # never renamed over


def test_opening_is_not_migrating(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    code, _, err = run("ledger", "verify", "--db", url)
    assert code == 2 and "does not exist" in err and not (tmp_path / "new.db").exists()
    code, out, _ = run("ledger", "migrate", "--db", url)
    assert code == 0 and "applied m001_initial, m002_site_time_index, m003_record_format_2" in out
    assert "m005_merkle_nodes" in out
    assert run("ledger", "migrate", "--db", url)[1].strip() == "the schema is up to date"
    assert run("ledger", "verify", "--db", url)[0] == 0


def write_first_version_ledger(url: str, migrations: tuple[Callable[..., None], ...]) -> None:
    """The schema and two format 1 records as samtycke 0.1 wrote them, with raw SQL."""
    from sqlalchemy import text

    from samtycke.ledger.engine import open_engine
    from samtycke.ledger.records import canonical_record, link_hash
    from tests.ledger.conftest import FINGERPRINT, SNAPSHOT

    engine = open_engine(url)
    prev = "0" * 64
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE schema_migrations (name VARCHAR(100) PRIMARY KEY, applied_us BIGINT)"
            )
        )
        for m in migrations:
            m(conn)
            conn.execute(text("INSERT INTO schema_migrations VALUES (:n, 0)"), {"n": m.__name__})
        conn.execute(
            text("INSERT INTO declaration_snapshots VALUES (:f, 'shop', 1, :c, 0)"),
            {"f": FINGERPRINT, "c": SNAPSHOT},
        )
        for seq in (1, 2):
            d = decision(seq)
            digest = link_hash(prev, canonical_record(seq, 1_000 + seq, d, 1))
            conn.execute(
                text(
                    "INSERT INTO consent_records VALUES (:seq, :rid, :cid, 'shop', :us, 1, :fp, "
                    "'sv', 'custom', :ch, :url, :ip, NULL, :prev, :hash)"
                ),
                {
                    "seq": seq,
                    "rid": d.record_id,
                    "cid": d.consent_id,
                    "us": 1_000 + seq,
                    "fp": FINGERPRINT,
                    "ch": json.dumps(dict(sorted(d.choices.items())), separators=(",", ":")),
                    "url": d.url,
                    "ip": d.ip,
                    "prev": prev,
                    "hash": digest,
                },
            )
            prev = digest
        conn.execute(
            text("UPDATE chain_head SET seq = 2, hash = :h, recorded_us = 1002"), {"h": prev}
        )
    engine.dispose()


def test_an_old_ledger_needs_migrate_and_its_format_1_rows_still_verify(tmp_path: Path) -> None:
    from samtycke.ledger.migrations import m001_initial, m002_site_time_index

    url = f"sqlite:///{tmp_path / 'old.db'}"
    write_first_version_ledger(url, (m001_initial, m002_site_time_index))
    code, _, err = run("ledger", "verify", "--db", url)
    assert code == 2 and "run: samtycke ledger migrate" in err
    assert run("ledger", "migrate", "--db", url)[0] == 0
    code, out, _ = run("ledger", "verify", "--db", url)
    assert code == 0 and "ok: 2 records verified" in out
    with Ledger(url) as led:  # new records follow in format 2
        led.append([decision(3)])
        assert [r.format for r in led.iter_records()] == [1, 1, 2]
    assert run("ledger", "verify", "--db", url)[0] == 0


def prove_record(url: str, seq: int, tmp_path: Path, *more: str) -> str:
    """``samtycke ledger prove`` of a receipt of record ``seq``; its output (exit 0 asserted)."""
    from samtycke.ledger.receipts import make_receipt
    from samtycke.ledger.signing import SigningKey

    key = SigningKey.load(tmp_path / "key.pem", create=True)
    with Ledger(url) as led:
        receipt = make_receipt(next(led.iter_records(after_seq=seq - 1)), key)
    path = tmp_path / f"receipt-{seq}.json"
    path.write_text(json.dumps(receipt))
    code, out, err = run("ledger", "prove", str(path), "--db", url, *more)
    assert code == 0, err
    return out


def test_a_first_version_ledger_on_postgresql_migrates_then_serve_extends_its_chain(
    pg_url: str, tmp_path: Path
) -> None:
    from samtycke.declaration import load_declaration
    from samtycke.declaration.fingerprint import fingerprint
    from samtycke.ledger.migrations import MIGRATION_NAMES, m001_initial
    from tests import web
    from tests.server.conftest import write_site
    from tests.server.process import ServeProcess

    write_first_version_ledger(pg_url, (m001_initial,))
    code, _, err = run("ledger", "verify", "--db", pg_url)
    assert code == 2 and "run: samtycke ledger migrate" in err
    code, out, _ = run("ledger", "migrate", "--db", pg_url)
    assert code == 0 and f"applied {', '.join(MIGRATION_NAMES[1:])}" in out
    code, out, _ = run("ledger", "verify", "--db", pg_url)
    assert code == 0 and "ok: 2 records verified" in out
    assert "record 1 is in the ledger unaltered" in prove_record(pg_url, 1, tmp_path)

    decl = write_site(tmp_path, "shop", "shop.example")
    site = load_declaration(decl)
    body = {
        "site": "shop",
        "revision": site.site.revision,
        "fingerprint": fingerprint(site),
        "language": "sv",
        "method": "custom",
        "choices": {c: c == "necessary" for c in site.category_ids},
    }
    key = {"SAMTYCKE_SIGNING_KEY": str(tmp_path / "key.pem")}  # the key it anchors with below
    server = ServeProcess(decl, pg_url, env=key).start()
    try:
        for _ in range(3):
            posted = web.post(server.url + "/v1/consents", json=body, timeout=30)
            assert posted.status_code == 201, posted.text
    finally:
        server.stop()
    code, out, _ = run("ledger", "verify", "--db", pg_url)
    assert code == 0 and "ok: 5 records verified" in out
    with Ledger(pg_url) as led:
        records = list(led.iter_records())
    assert [r.format for r in records] == [1, 1, 2, 2, 2]
    assert records[2].prev_hash == records[1].hash  # the same chain, not a new one
    anchors = tmp_path / "anchors"
    code, _, err = run(
        "ledger",
        "anchor",
        "--db",
        pg_url,
        "--out",
        str(anchors),
        "--key",
        str(tmp_path / "key.pem"),
    )
    assert code == 0, err
    for seq in (1, 2, 4):  # old and new, each under the Merkle root of all five
        out = prove_record(pg_url, seq, tmp_path, "--anchors", str(anchors))
        assert f"record {seq} is in the ledger unaltered" in out
        assert "included under the Merkle root anchored at seq 5" in out


def test_anchor_and_prove(db: str, tmp_path: Path) -> None:
    from samtycke.ledger.receipts import make_receipt
    from samtycke.ledger.signing import SigningKey

    key_file = tmp_path / "key.pem"
    anchors = tmp_path / "anchors"
    code, out, _ = run(
        "ledger", "anchor", "--db", db, "--out", str(anchors), "--key", str(key_file)
    )
    assert code == 0 and out.startswith("anchored seq 6 ")
    key = SigningKey.load(key_file)
    with Ledger(db) as led:
        receipt = make_receipt(next(led.iter_records(after_seq=3)), key)
    rfile = tmp_path / "receipt.json"
    rfile.write_text(json.dumps(receipt))
    proof = tmp_path / "proof.json"
    code, out, _ = run(
        "ledger", "prove", str(rfile), "--db", db, "--anchors", str(anchors), "-o", str(proof)
    )
    assert code == 0 and "record 4 is in the ledger unaltered" in out and proof.exists()
    code, out, _ = run("ledger", "prove", str(proof))  # offline: no database
    assert code == 0 and "record 4 is under the Merkle root anchored at seq 6" in out
    code, _, _ = run("ledger", "verify", "--db", db, "--anchors", str(anchors))
    assert code == 0
    receipt["record"]["method"] = "reject-all"
    rfile.write_text(json.dumps(receipt))
    code, _, err = run("ledger", "prove", str(rfile), "--db", db)
    assert code == 1 and "altered" in err
    rfile.write_text("{")
    assert run("ledger", "prove", str(rfile))[0] == 2


def test_a_rotated_signing_key_keeps_anchors_and_receipts_provable(db: str, tmp_path: Path) -> None:
    # Anchors and receipts of the old key stay in use; the published key set
    # (saved as keys.json) names both keys, and --keys trusts exactly those.
    from samtycke.ledger.receipts import make_receipt
    from samtycke.ledger.signing import SigningKey, key_set

    old, new, anchors = tmp_path / "old.pem", tmp_path / "new.pem", tmp_path / "anchors"
    anchor = ("ledger", "anchor", "--db", db, "--out", str(anchors), "--key")
    assert run(*anchor, str(old))[0] == 0
    with Ledger(db) as led:
        receipt = make_receipt(next(led.iter_records(after_seq=3)), SigningKey.load(old))
        led.append([decision(7)])
    assert run(*anchor, str(new))[0] == 0  # rotated: the newest anchor is the new key's
    rfile, proof, keys = tmp_path / "receipt.json", tmp_path / "proof.json", tmp_path / "keys.json"
    rfile.write_text(json.dumps(receipt))
    both = [SigningKey.load(old).public, SigningKey.load(new).public]
    keys.write_text(json.dumps(key_set(both)))

    code, _, err = run("ledger", "verify", "--db", db, "--anchors", str(anchors))
    assert code == 1 and "signed by 2 different keys" in err and "--keys" in err
    code, out, _ = run(
        "ledger", "verify", "--db", db, "--anchors", str(anchors), "--keys", str(keys)
    )
    assert code == 0 and "anchors: 2 checked" in out, out
    prove = ("ledger", "prove", str(rfile), "--db", db, "--anchors", str(anchors))
    code, out, err = run(*prove, "--keys", str(keys), "-o", str(proof))
    assert code == 0 and "anchored at seq 7" in out, err
    code, _, err = run("ledger", "prove", str(proof))  # offline, without the key set
    assert code == 1 and "different keys" in err and "--keys" in err
    code, out, _ = run("ledger", "prove", str(proof), "--keys", str(keys))
    assert code == 0 and "record 4 is under the Merkle root anchored at seq 7" in out

    keys.write_text(json.dumps(key_set(both[1:])))  # a set without the old key trusts none of it
    code, _, err = run(
        "ledger", "verify", "--db", db, "--anchors", str(anchors), "--keys", str(keys)
    )
    assert code == 1 and f"signed by key {both[0].kid}, which {keys} does not hold" in err
    code, _, err = run("ledger", "prove", str(proof), "--keys", str(keys))
    assert code == 1 and f"signed by key {both[0].kid}, which {keys} does not hold" in err
    code, _, err = run("ledger", "prove", str(rfile), "--keys", str(keys))
    assert code == 1 and f"the receipt of record 4 is signed by key {both[0].kid}" in err


def test_anchor_refuses_a_key_the_servers_do_not_sign_with(db: str, tmp_path: Path) -> None:
    from samtycke.ledger.signing import SigningKey
    from samtycke.server.proof import check_ledger_key

    servers = SigningKey.load(tmp_path / "servers.pem", create=True).public
    with Ledger(db) as led:
        check_ledger_key(led.engine, servers, ())  # as each server does at start
    anchor = ("ledger", "anchor", "--db", db, "--out", str(tmp_path / "a"), "--key")
    SigningKey.load(tmp_path / "other.pem", create=True)
    code, _, err = run(*anchor, str(tmp_path / "other.pem"))
    assert code == 2 and f"not the one this ledger's servers sign with ({servers.kid})" in err
    code, _, err = run(*anchor, str(tmp_path / "missing.pem"))  # not made: it could not be used
    assert code == 2 and "missing.pem" in err and not (tmp_path / "missing.pem").exists()
    assert not (tmp_path / "a").exists()
    assert run(*anchor, str(tmp_path / "servers.pem"))[0] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('{"keys": 3}', 'no "keys" list'),
        ('{"keys": []}', "holds no key"),
        ('{"keys": [{"kty": "RSA", "n": "x"}]}', "key 1 is not an Ed25519 key"),
        ('{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "abc"}]}', "key 1 is not an Ed25519 key"),
    ],
)
def test_a_key_set_it_cannot_use_is_one_line_and_exit_2(
    db: str, tmp_path: Path, content: str, message: str
) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(content)
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    code, _, err = run(
        "ledger", "verify", "--db", db, "--anchors", str(anchors), "--keys", str(keys)
    )
    assert code == 2 and err == f"samtycke: {keys}: {message}\n", err


@pytest.mark.postgres
def test_reading_commands_work_with_a_read_only_role(pg_url: str, tmp_path: Path) -> None:
    import secrets as sec

    import psycopg

    with Ledger(pg_url, migrate=True) as led:
        from tests.ledger.conftest import FINGERPRINT, SNAPSHOT

        led.add_snapshot("shop", 1, FINGERPRINT, SNAPSHOT)
        led.append([decision(i) for i in range(3)])
    role = f"reader_{sec.token_hex(4)}"
    admin = pg_url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    reader = pg_url.replace("postgres@", f"{role}@", 1)
    try:
        assert run("ledger", "verify", "--db", reader)[0] == 0
        assert run("ledger", "stats", "--db", reader)[0] == 0
        code, out, _ = run("ledger", "export", "--db", reader, "--format", "jsonl")
        assert code == 0 and len(out.splitlines()) == 3
        key = tmp_path / "k.pem"
        assert (
            run(
                "ledger", "anchor", "--db", reader, "--out", str(tmp_path / "a"), "--key", str(key)
            )[0]
            == 0
        )
        code, _, err = run("ledger", "purge", "--db", reader, "--older-than", "0")
        assert code == 2 and "permission denied" in err
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
            conn.execute(f"DROP ROLE {role}")
