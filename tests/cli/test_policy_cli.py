"""`samtycke policy`: formats, languages, exit codes and atomic output files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main

DECL = """\
[site]
id = "acme"
name = "Acme"
controller = "Acme AB"
contact = "privacy@acme.example"
domains = ["acme.example"]
languages = ["sv", "en"]
updated = 2026-05-04

[[cookies]]
name = "csrftoken"
category = "necessary"
expires = "1 year"
purpose = { sv = "Skyddar formulär.", en = "Protects forms." }
"""


@pytest.fixture
def decl(tmp_path: Path) -> Path:
    p = tmp_path / "samtycke.toml"
    p.write_text(DECL, encoding="utf-8")
    return p


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["policy", *args])
    return result.exit_code, result.stdout, result.stderr


def test_default_is_html_in_the_default_language(decl: Path) -> None:
    code, out, err = invoke(str(decl))
    assert code == 0, err
    assert out.startswith('<!DOCTYPE html>\n<html lang="sv">')
    assert "Skyddar formulär." in out and "1 år" in out


@pytest.mark.parametrize(
    ("fmt", "start"), [("html", "<!DOCTYPE html>"), ("md", "# Cookie policy"), ("json", "{")]
)
def test_every_format(decl: Path, fmt: str, start: str) -> None:
    code, out, err = invoke(str(decl), "--lang", "en", "--format", fmt)
    assert code == 0, err
    assert out.startswith(start)
    assert "Protects forms." in out


def test_json_is_valid_and_complete(decl: Path) -> None:
    code, out, _ = invoke(str(decl), "-l", "en", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "samtycke-policy/1"
    assert data["language"] == "en"
    assert [c["name"] for c in data["cookies"]] == ["csrftoken"]
    assert len(data["fingerprint"]) == 64


def test_fragment(decl: Path) -> None:
    code, out, _ = invoke(str(decl), "--fragment")
    assert code == 0
    assert out.startswith('<section class="samtycke-policy" lang="sv"')
    assert "<html" not in out


def test_fragment_with_markdown_is_a_usage_error(decl: Path) -> None:
    code, out, err = invoke(str(decl), "--format", "md", "--fragment")
    assert code == 2
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "--fragment only applies to --format html" in err


def test_language_not_in_the_declaration_exits_2_with_one_line(decl: Path) -> None:
    code, out, err = invoke(str(decl), "--lang", "de")
    assert code == 2
    assert out == ""
    assert err.strip() == (
        "samtycke policy: --lang 'de' is not one of the declaration's languages (sv, en)"
    )


def test_unknown_format_exits_2(decl: Path) -> None:
    code, _, err = invoke(str(decl), "--format", "pdf")
    assert code == 2
    assert "pdf" in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, out, err = invoke(str(tmp_path / "nope.toml"))
    assert code == 2
    assert out == ""
    assert "no such file" in err


def test_invalid_declaration_exits_1_with_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(DECL.replace('expires = "1 year"', 'expires = "1 yeer"'), encoding="utf-8")
    code, out, err = invoke(str(bad))
    assert code == 1
    assert out == ""
    assert f"{bad}:13:" in err and "1 yeer" in err
    assert "invalid (1 error)" in err


def test_output_file_is_written_whole(decl: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "cookies.sv.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    code, out, err = invoke(str(decl), "-o", str(target))
    assert code == 0, err
    assert out == ""
    _, stdout_version, _ = invoke(str(decl))
    assert target.read_text(encoding="utf-8") == stdout_version
    assert sorted(p.name for p in target.parent.iterdir()) == ["cookies.sv.html"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_unwritable_output_exits_2_and_keeps_the_old_file(decl: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "policy.html"
    target.write_text("old", encoding="utf-8")
    folder.chmod(0o555)
    try:
        code, _, err = invoke(str(decl), "-o", str(target))
    finally:
        folder.chmod(0o755)
    assert code == 2
    assert "cannot write" in err
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in folder.iterdir()] == ["policy.html"]


def test_output_onto_a_directory_exits_2_and_leaves_no_temporary_file(
    decl: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    (target / "index.html").parent.mkdir()
    (target / "index.html").write_text("keep", encoding="utf-8")
    code, out, err = invoke(str(decl), "-o", str(target))
    assert code == 2
    assert out == ""
    assert err.startswith(f"samtycke: cannot write {target}:")
    assert err.strip().count("\n") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samtycke.toml", "site"]
    assert (target / "index.html").read_text(encoding="utf-8") == "keep"


def test_output_into_missing_folder_exits_2_and_leaves_nothing(decl: Path, tmp_path: Path) -> None:
    code, _, err = invoke(str(decl), "-o", str(tmp_path / "missing" / "p.html"))
    assert code == 2
    assert err.startswith("samtycke: cannot write")
    assert err.strip().count("\n") == 0
    assert not (tmp_path / "missing").exists()


def test_failed_write_removes_the_temporary_file(tmp_path: Path) -> None:
    from samtycke.cli._common import write_atomically

    target = tmp_path / "p.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "half \udcff never written")  # a lone surrogate cannot be encoded
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.html"]


def test_runs_as_a_real_command(decl: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "samtycke.cli", "policy", str(decl), "--lang", "xx"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("samtycke policy: --lang 'xx'")
    assert "Traceback" not in result.stderr


def test_warnings_go_to_stderr_and_the_policy_is_still_written(tmp_path: Path) -> None:
    p = tmp_path / "samtycke.toml"
    p.write_text(DECL.replace(', en = "Protects forms."', ""), encoding="utf-8")
    code, out, err = invoke(str(p), "--lang", "en")
    assert code == 0
    assert "Skyddar formulär." in out  # the default language stands in
    assert f"{p}:14: warning:" in err and "no text in en" in err
