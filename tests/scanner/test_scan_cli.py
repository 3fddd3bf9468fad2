"""`samtycke scan` end to end: reports, exit codes, one-line errors, --write-declaration."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from samtycke.cli import main
from samtycke.declaration import load_declaration
from samtycke.scanner import ScanResult
from samtycke.scanner.report_table import print_table
from tests.scanner.fixture_site import Site

# A knowledge file in the Open Cookie Database CSV format (rows written for
# this test; the real database is loaded in test_knowledge.py).
OCD_ROWS = (
    "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,"
    "Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n"
    "1,Hotjar,Functional,_hjSessionUser_,,,365 days,Hotjar,,1\n"
    "2,Tailtarget,Marketing,tp,.t.tailtarget.com,,30 days,Totvs,,1\n"
    "3,OneTrust,Functional,OptanonConsent,,,1 year,OneTrust,,0\n"
)


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, ["scan", *args], env=env)
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit), (
        res.exception
    )
    return res.exit_code, res.stdout, res.stderr


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://example.org/"], "'ftp://example.org/' is not a URL to scan"),
        (["not a url"], "'not a url' is not a URL to scan"),
        (["http://127.0.0.1:{port}/"], "cannot reach http://127.0.0.1:{port}/"),
    ],
)
def test_bad_or_unreachable_url_is_one_line_exit_2(args: list[str], message: str) -> None:
    port = closed_port()
    code, out, err = run([a.format(port=port) for a in args])
    assert code == 2
    assert err.startswith("samtycke: " + message.format(port=port))
    assert err.count("\n") == 1 and "Traceback" not in err and out == ""


def test_no_browser_is_one_line_exit_2(site: Site) -> None:
    code, _, err = run([site.first + "/clean"], env={"SAMTYCKE_CHROMIUM": "/nonexistent/chromium"})
    assert (code, err) == (
        2,
        "samtycke: SAMTYCKE_CHROMIUM=/nonexistent/chromium is not an executable file\n",
    )


def test_start_url_that_is_not_a_page_is_exit_2(site: Site) -> None:
    code, _, err = run([site.first + "/file.bin"])
    assert code == 2
    assert err.startswith(f"samtycke: cannot load {site.first}/file.bin in the browser: ")
    assert err.count("\n") == 1


def test_invalid_declaration_is_exit_2(site: Site, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[site]\nid = "x"\n', encoding="utf-8")
    code, _, err = run([site.first + "/clean", "--declaration", str(bad)])
    assert code == 2
    assert err.startswith(f"samtycke: invalid declaration: {bad}:") and err.count("\n") == 1


def test_broken_knowledge_file_is_exit_2(site: Site, tmp_path: Path) -> None:
    bad = tmp_path / "k.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run([site.first + "/clean", "--knowledge", str(bad)])
    assert code == 2
    assert "not in the Open Cookie Database CSV format" in err and err.count("\n") == 1


def test_clean_page_exits_0(site: Site) -> None:
    code, out, _ = run([site.first + "/clean", "--format", "json", "--settle", "0.4"])
    assert code == 0
    data = json.loads(out)
    assert (data["cookies"], data["violations"]) == ([], [])
    assert [p["phase"] for p in data["phases"]] == [
        "before-consent",
        "after-reject",
        "after-accept",
    ]


def test_violations_exit_1_with_json_html_and_written_declaration(
    site: Site, declaration_path: Path, tmp_path: Path
) -> None:
    out_json, out_html, out_decl = tmp_path / "r.json", tmp_path / "r.html", tmp_path / "new.toml"
    ocd = tmp_path / "ocd.csv"
    ocd.write_text(OCD_ROWS, encoding="utf-8")
    args = [
        site.first + "/",
        "-d",
        str(declaration_path),
        "--max-pages",
        "1",
        "--knowledge",
        str(ocd),
    ]
    code, out, _ = run(
        [*args, "--format", "json", "-o", str(out_json), "--write-declaration", str(out_decl)]
    )
    assert code == 1
    # the report went to the file; the terminal gets one line
    assert out == (
        f"{site.first}/: 1 pages, 12 cookies, 18 violations; report written to {out_json}\n"
    )
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["pages"] == [site.first + "/"]
    assert {v["kind"] for v in data["violations"]} == {
        "set-before-consent",
        "set-after-reject",
        "undeclared",
        "expiry-mismatch",
        "declared-not-found",
    }
    # the user's knowledge file wins: it files Hotjar's user cookie as
    # functional; its "tp*" is tied to another domain
    suggested = {
        c["name"]: (c["suggested_category"], c["suggestion_source"])
        for c in data["cookies"]
        if not c["declared"]
    }
    assert suggested == {
        "tp_chips": ("marketing", "heuristic"),
        "tp_js": ("marketing", "heuristic"),
        "_hjSessionUser_1234": ("functional", str(ocd)),
        "mystery": ("functional", "heuristic"),
    }
    assert data["schema"] == 2

    original = declaration_path.read_text(encoding="utf-8")
    written = out_decl.read_text(encoding="utf-8")
    assert written.startswith(original)
    tail = written[len(original) :]
    assert tail.count("[[cookies]]") == 4 and tail.count("# review:") == 4
    assert tail.count("\nreview = true\n") == 4
    decl = load_declaration(out_decl)
    added = {c.name: (c.category, c.domain, str(c.expires)) for c in decl.cookies[-4:]}
    assert added == {
        "tp_chips": ("marketing", "tp.localhost", "1 day"),
        "tp_js": ("marketing", "tp.localhost", "1 hour"),
        "_hjSessionUser_1234": ("functional", "127.0.0.1", "1 year"),
        "mystery": ("functional", "127.0.0.1", "session"),
    }

    code, out, _ = run([*args, "--format", "html", "-o", str(out_html)])
    html = out_html.read_text(encoding="utf-8")
    assert code == 1
    assert out.count("\n") == 1 and out.endswith(f"report written to {out_html}\n")
    assert "data:image/png;base64," in html
    assert "src='http" not in html and 'src="http' not in html and "<link" not in html
    assert "expiry-mismatch" in html


def test_table_report_fits_80_columns(result: ScanResult) -> None:
    console = Console(record=True, width=80, file=io.StringIO())
    print_table(result, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # long names and URLs fold, they are never cut
    assert "Violations (18)" in text
    unfolded = text.replace("│", "").replace("\n", "")
    for name in ("sid", "tp_chips", "never_seen", "ls_theme", "pixel.gif"):
        assert name in text
    assert "_hjSessionUser_1234" in unfolded.replace(" ", "")
    assert "analytics? (Hotjar)" in text and "marketing?? (guess)" in text


def test_baseline_reports_new_and_gone_and_fail_on_new(
    site: Site, declaration_path: Path, tmp_path: Path
) -> None:
    args = [site.first + "/", "-d", str(declaration_path), "--max-pages", "1", "--format", "json"]
    code, out, _ = run(args)
    assert code == 1
    old = json.loads(out)
    # Pretend the old run had one finding fewer and one that is gone now.
    kept = [v for v in old["violations"] if v["cookie"] != "mystery"]
    gone = {"kind": "undeclared", "cookie": "old_one", "page": None, "phase": "after-accept"}
    old["violations"] = [*kept, gone]
    base = tmp_path / "old.json"
    base.write_text(json.dumps(old), encoding="utf-8")

    code, out, _ = run([*args, "--baseline", str(base), "--fail-on", "new"])
    data = json.loads(out)
    assert code == 1
    assert [(v["kind"], v["cookie"]) for v in data["baseline"]["new_violations"]] == [
        ("undeclared", "mystery")
    ]
    assert data["baseline"]["gone_violations"] == [gone]
    assert data["baseline"]["new_cookies"] == data["baseline"]["gone_cookies"] == []

    # With the old report as it was, nothing is new: --fail-on new exits 0.
    base.write_text(out, encoding="utf-8")
    code, out, _ = run([*args, "--baseline", str(base), "--fail-on", "new"])
    assert code == 0 and json.loads(out)["baseline"]["new_violations"] == []
    code, _, _ = run([*args, "--baseline", str(base)])
    assert code == 1  # --fail-on any, the default, still fails on every finding


@pytest.mark.parametrize(
    ("make", "extra", "message"),
    [
        ("{", ["--baseline"], "the baseline is not JSON"),
        ('{"schema": 2, "cookies": []}', ["--baseline"], "not a scan report (no list of"),
        ("[]", ["--storage-state"], "not a storage state file"),
        (None, ["--fail-on", "new"], "--fail-on new needs --baseline"),
    ],
)
def test_bad_baseline_or_state_is_one_line_exit_2(
    site: Site, tmp_path: Path, make: str | None, extra: list[str], message: str
) -> None:
    path = tmp_path / "f.json"
    if make is not None:
        path.write_text(make, encoding="utf-8")
        extra = [*extra, str(path)]
    code, out, err = run([site.first + "/", *extra])
    assert code == 2 and out == ""
    assert message in err and err.count("\n") <= 2 and "Traceback" not in err
