"""`samtycke mail`: key, record, rewrite and counts, and one clear line for each mistake."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from tests.mail.conftest import EMAIL, SITE


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "shop.toml").write_text(SITE + EMAIL, encoding="utf-8")
    (tmp_path / "mail.html").write_text(
        '<body><a href="https://shop.example/x">x</a></body>', encoding="utf-8"
    )
    runner = CliRunner()
    result = runner.invoke(main, ["mail", "key", "-o", str(tmp_path / "mail.key")])
    assert result.exit_code == 0, result.output
    return {
        "decl": str(tmp_path / "shop.toml"),
        "db": f"sqlite:///{tmp_path / 'ledger.db'}",
        "key": str(tmp_path / "mail.key"),
        "html": str(tmp_path / "mail.html"),
        "dir": str(tmp_path),
    }


def migrate(f: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["ledger", "migrate", "--db", f["db"]])
    assert result.exit_code == 0, result.output


def mail(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["mail", *args])
    return result.exit_code, result.stdout, result.stderr


def common(f: dict[str, str]) -> list[str]:
    return ["--declaration", f["decl"], "--db", f["db"], "--key", f["key"]]


def test_the_key_file_is_private_and_never_overwritten(files: dict[str, str]) -> None:
    mode = stat.S_IMODE(Path(files["key"]).stat().st_mode)
    assert mode == 0o600 and len(Path(files["key"]).read_text().strip()) == 64
    code, _, err = mail("key", "-o", files["key"])
    assert code == 2 and err.count("\n") == 1 and "already exists" in err


def test_record_rewrite_and_counts(files: dict[str, str]) -> None:
    base = ["--to", "ada@example.com", "--campaign", "december", "--base-url", "https://c.example"]
    code, _, err = mail("rewrite", files["html"], *common(files), *base)
    assert code == 2 and "no ledger at" in err  # a mistyped --db is not "nobody consented"
    migrate(files)
    code, before, _ = mail("rewrite", files["html"], *common(files), *base)
    assert code == 0 and "/v1/mail/c/" not in before and "/v1/mail/p/" in before
    code, out, _ = mail("record", *common(files), "--to", "Ada@Example.com", "--opens", "--clicks")
    assert code == 0 and out.startswith("recorded ")
    out_file = Path(files["dir"]) / "out.html"
    code, _, _ = mail("rewrite", files["html"], *common(files), *base, "-o", str(out_file))
    after = out_file.read_text(encoding="utf-8")
    assert code == 0 and "/v1/mail/c/" in after and "/v1/mail/o/" in after
    code, _, _ = mail(
        "rewrite", files["html"], *common(files), *base, "--do-not-track", "-o", str(out_file)
    )
    assert "/v1/mail/c/" not in out_file.read_text() and "/v1/mail/o/" in out_file.read_text()
    code, out, _ = mail("counts", "--declaration", files["decl"], "--db", files["db"])
    assert code == 0 and out == "campaign\topens\tclicks\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "not-an-address"], "is not an e-mail address"),
        (["--to", "a@b.example", "--campaign", "Bad One"], "is not a campaign id"),
        (["--to", "a@b.example", "--base-url", "ftp://x"], "is not the consent server"),
    ],
)
def test_mistakes_get_one_line_and_exit_2(
    files: dict[str, str], args: list[str], message: str
) -> None:
    migrate(files)
    opts = {"--campaign": "december", "--base-url": "https://c.example"}
    for i in range(0, len(args), 2):
        opts[args[i]] = args[i + 1]
    flat = [x for kv in opts.items() for x in kv]
    code, _, err = mail("rewrite", files["html"], *common(files), *flat)
    assert code == 2 and err.count("\n") == 1 and message in err, err


def test_missing_key_file_and_declaration_without_email(files: dict[str, str]) -> None:
    migrate(files)
    args = ["--declaration", files["decl"], "--db", files["db"], "--to", "a@b.example"]
    code, _, err = mail("record", *args, "--key", files["key"] + ".missing", "--opens")
    assert code == 2 and "no such key file" in err
    plain = Path(files["dir"]) / "plain.toml"
    plain.write_text(SITE, encoding="utf-8")
    args[1] = str(plain)
    code, _, err = mail("record", *args, "--key", files["key"], "--opens")
    assert code == 2 and "declares no e-mail tracking" in err and err.count("\n") == 1
