"""`samtycke build FILE -o DIR`: a static banner and policy pages, written atomically."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from samtycke.cli import main

TOML = """
[site]
id = "s"
name = "S"
controller = "S AB"
contact = "p@s.test"
domains = ["s.test"]
languages = ["sv", "en"]

[[cookies]]
name = "a"
category = "analytics"
expires = "1 day"
purpose = { sv = "Räknar.", en = "Counts." }
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def declaration(tmp_path: Path, text: str = TOML) -> str:
    path = tmp_path / "samtycke.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_build_writes_script_and_policy_pages(tmp_path: Path) -> None:
    out = tmp_path / "public"
    code, stdout, stderr = run("build", declaration(tmp_path), "-o", str(out))
    assert code == 0, stderr
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [".well-known/gpc.json", "cookies/en.html", "cookies/sv.html", "samtycke.js"]
    script = (out / "samtycke.js").read_text(encoding="utf-8")
    assert script.startswith("window.samtyckeConfig=")
    assert '"policy_url":"cookies/{lang}.html"' in script
    assert '"endpoint":null' in script  # static mode
    policy = (out / "cookies" / "sv.html").read_text(encoding="utf-8")
    assert '<script src="../samtycke.js" defer></script>' in policy
    assert (out / ".well-known" / "gpc.json").read_text(encoding="utf-8") == '{"gpc":true}\n'
    assert "samtycke.js" in stdout


def test_build_options(tmp_path: Path) -> None:
    out = tmp_path / "o"
    code, _, stderr = run(
        "build", declaration(tmp_path), "-o", str(out),
        "--endpoint", "https://c.s.test/v1/consents", "--policy-url", "/cookies-{lang}",
    )  # fmt: skip
    assert code == 0, stderr
    script = (out / "samtycke.js").read_text(encoding="utf-8")
    assert '"endpoint":"https://c.s.test/v1/consents"' in script
    assert '"policy_url":"/cookies-{lang}"' in script


def test_invalid_declaration_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "samtycke.js").write_text("old", encoding="utf-8")
    code, _, stderr = run(
        "build", declaration(tmp_path, TOML.replace('"1 day"', '"2 dayz"')), "-o", str(out)
    )
    assert code == 1
    assert "samtycke.toml:" in stderr and "Traceback" not in stderr
    assert (out / "samtycke.js").read_text(encoding="utf-8") == "old"
    assert [p.name for p in out.iterdir()] == ["samtycke.js"]


def test_missing_file_and_unusable_output_are_input_errors(tmp_path: Path) -> None:
    code, _, stderr = run("build", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "o"))
    assert code == 2 and "nope.toml" in stderr and "Traceback" not in stderr
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, stderr = run("build", declaration(tmp_path), "-o", str(blocker))
    assert code == 2
    assert stderr.strip() == f"samtycke: {blocker} exists and is not a folder"


def test_out_is_required(tmp_path: Path) -> None:
    code, _, stderr = run("build", declaration(tmp_path))
    assert code == 2 and "--out" in stderr
