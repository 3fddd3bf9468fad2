"""``samtycke scan URL`` — audit a live site against its declaration in a real browser."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from samtycke.cli._common import write_atomically
from samtycke.declaration import Declaration, load_declaration
from samtycke.errors import DeclarationError, ScanError
from samtycke.knowledge import KnowledgeBase, KnowledgeFileError, builtin_knowledge, load_knowledge
from samtycke.scanner import PageVisit, ScanOptions, ScanResult, check_url
from samtycke.scanner import scan as run_scan
from samtycke.scanner.baseline import compare_with, load_baseline
from samtycke.scanner.options import default_concurrency
from samtycke.scanner.report_html import render_html
from samtycke.scanner.report_json import to_json
from samtycke.scanner.report_table import print_table
from samtycke.scanner.scan import load_storage_state
from samtycke.scanner.write_decl import write_declaration as extend_declaration


def _load_declaration(path: Path) -> Declaration:
    try:
        return load_declaration(path)
    except DeclarationError as exc:
        more = len(exc.problems) - 1
        tail = f" (and {more} more; run `samtycke check {path}`)" if more else ""
        raise ScanError(f"invalid declaration: {exc.problems[0]}{tail}") from exc


def _load_knowledge(path: Path | None) -> KnowledgeBase:
    kb = builtin_knowledge()
    if path is not None:
        try:
            kb.extend(load_knowledge(path))
        except KnowledgeFileError as exc:
            raise ScanError(str(exc)) from exc
    return kb


def _write(path: Path, text: str) -> None:
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise ScanError(f"cannot write {path}: {exc.strerror or exc}") from exc


@click.command("scan")
@click.argument("url")
@click.option(
    "--declaration",
    "-d",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The samtycke.toml to compare with.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="Most pages to visit in each phase.",
)
@click.option(
    "--depth",
    type=click.IntRange(0, 20),
    default=3,
    show_default=True,
    help="Most links to follow from the start page.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "html"]),
    default="table",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report here instead of standard output.",
)
@click.option(
    "--knowledge",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Extra known cookies: Open Cookie Database CSV or services TOML.",
)
@click.option(
    "--write-declaration",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the declaration with the undeclared cookies appended for review.",
)
@click.option(
    "--settle",
    type=click.FloatRange(0.2, 60),
    default=2.0,
    show_default=True,
    help="Seconds the cookie jar must stay unchanged before a page is done.",
)
@click.option("--ignore-robots", is_flag=True, help="Visit pages robots.txt disallows.")
@click.option(
    "--gpc",
    is_flag=True,
    help="Also visit as a browser sending Global Privacy Control; its findings are set-under-gpc.",
)
@click.option(
    "--storage-state",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A Playwright storage state file (cookies, local storage): scan as that logged-in visitor.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="An earlier JSON report: say which findings and cookies are new or gone.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["any", "new"]),
    default="any",
    show_default=True,
    help="Exit 1 on any finding, or only on findings not in --baseline.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=default_concurrency(),
    show_default="by the CPU count",
    help="Most pages open at once, over all phases.",
)
def scan(
    url: str,
    declaration: Path | None,
    max_pages: int,
    depth: int,
    fmt: str,
    output: Path | None,
    knowledge: Path | None,
    write_declaration: Path | None,
    settle: float,
    ignore_robots: bool,
    gpc: bool,
    storage_state: Path | None,
    baseline: Path | None,
    fail_on: str,
    concurrency: int,
) -> None:
    """Visit URL in headless Chromium before consent, after "Reject all" and
    after "Accept all"; report every cookie, storage key and pixel, and the
    violations of the declaration.

    Exit codes: 0 no violation (with --fail-on new: no new one), 1 violations
    found, 2 usage or input error.
    """
    start = check_url(url)
    if write_declaration is not None and declaration is None:
        raise click.UsageError("--write-declaration needs --declaration")
    if fail_on == "new" and baseline is None:
        raise ScanError("--fail-on new needs --baseline (the report to compare with)")
    decl = _load_declaration(declaration) if declaration is not None else None
    kb = _load_knowledge(knowledge)
    old = load_baseline(baseline) if baseline is not None else None
    if storage_state is not None:
        load_storage_state(storage_state)  # a bad file is reported before the browser starts
    options = ScanOptions(
        max_pages=max_pages,
        depth=depth,
        respect_robots=not ignore_robots,
        settle=settle,
        settle_cap=max(15.0, settle * 4),
        concurrency=concurrency,
        gpc=gpc,
        storage_state=storage_state,
    )
    result = _run(start, decl, kb, options)
    if old is not None and baseline is not None:
        result.baseline = compare_with(str(baseline), old, result.violations, result.cookies)
    _report(result, fmt, output)
    if write_declaration is not None and declaration is not None:
        original = declaration.read_text(encoding="utf-8")
        _write(write_declaration, extend_declaration(original, result.cookies, kb))
    failing = result.baseline.new if fail_on == "new" and result.baseline else result.violations
    sys.exit(1 if failing else 0)


def _run(
    start: str, decl: Declaration | None, kb: KnowledgeBase, options: ScanOptions
) -> ScanResult:
    err = Console(stderr=True)
    if not err.is_terminal:
        return run_scan(start, declaration=decl, knowledge=kb, options=options)
    columns = (SpinnerColumn(), BarColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        # Each phase visits up to max_pages; the crawl may find fewer, so the
        # bar is an upper bound and jumps to the end when the scan is done.
        phases = 4 if options.gpc else 3
        task = progress.add_task("starting the browser", total=phases * (options.max_pages + 1))
        done = 0

        def on_page(visit: PageVisit) -> None:
            """Advance the bar by one page visit."""
            nonlocal done
            done += 1
            progress.update(
                task, completed=done, description=f"{done} pages ({visit.phase} {visit.url})"
            )

        return run_scan(start, declaration=decl, knowledge=kb, options=options, on_page=on_page)


def _report(result: ScanResult, fmt: str, output: Path | None) -> None:
    if fmt == "json":
        text = to_json(result)
    elif fmt == "html":
        text = render_html(result)
    elif output is None:
        print_table(result, Console())
        return
    else:
        console = Console(record=True, width=80, file=io.StringIO())
        print_table(result, console)
        text = console.export_text()
    if output is None:
        click.echo(text, nl=False)
        return
    _write(output, text)
    click.echo(summary_line(result, output))


def summary_line(result: ScanResult, output: Path) -> str:
    """One line for the terminal when the report went to a file."""
    found = len(result.violations)
    line = (
        f"{result.url}: {len(result.pages)} pages, {len(result.cookies)} cookies, "
        f"{found} violation{'' if found == 1 else 's'}"
    )
    if result.baseline is not None:
        line += f" ({len(result.baseline.new)} new, {len(result.baseline.gone)} gone)"
    return f"{line}; report written to {output}"
