"""Banner benchmark: samtycke against vanilla-cookieconsent 3.1, in the same run.

    .venv/bin/python benchmarks/banner/run.py [--runs N] [--no-vsync]

Builds samtycke's engine from banner/ (esbuild) and the Billogram example's
samtycke.js, installs vanilla-cookieconsent 3.1.0 into
benchmarks/banner/node_modules (npm ci), and prints a Markdown table of:

- sizes: raw, gzip -9 (Python's gzip) and brotli quality 11 (Node's zlib);
- in headless Chromium (the system one, as in the tests), median of N loads:
  time from DOMContentLoaded to the first animation frame in which the first
  layer is visible (height > 0, visibility visible, opacity > 0), cumulative
  layout shift, and main-thread task and script time (CDP Performance.getMetrics);
- interaction to next paint of "Accept all" (a mouse moved onto the button,
  pressed, held 0.1 s and released through CDP input, as soon as the banner is
  shown and again 1 s later, as a person reading it would), from the Event
  Timing API: the first-input entry's ``duration`` (the press: input delay,
  handlers and its next paint; the API rounds it to 8 ms) and, from a Chromium
  trace of the same click (``EventTiming`` events), the interaction unrounded
  as INP counts it (the longest of its pointerdown, pointerup and click), the
  press alone, and the release split as INP splits it: input delay, processing
  (pointerup to the end of the click handlers) and presentation delay (to the
  next frame on screen). Nothing asks the page anything until that frame is
  long drawn (a Playwright wait polls in animation frames);
  ``--no-vsync`` runs Chromium with vsync and its frame-rate limit off, for
  both banners, so the presentation delay is the frame's own work rather than
  the wait for the next 60 Hz tick;
- on a 390x844 mobile viewport with a normal hero (heading, paragraph, a
  600x400 photo-like image), which element is the largest contentful paint, and
  how often it is the banner;
- the same click on a page without a banner, whose button removes a plain
  fixed bar: what the browser itself takes, the least any banner can.

Not a test: numbers depend on the machine. Paste them into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VCC = HERE / "node_modules" / "vanilla-cookieconsent" / "dist"
sys.path.insert(0, str(ROOT / "src"))  # this checkout's samtycke, installed or not

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<link rel="icon" href="data:,">{head}</head>
<body><main><h1>A page</h1><p>{text}</p></main></body></html>"""

# vanilla-cookieconsent with the same four categories and one language (how it is usually run).
VCC_CONFIG = """CookieConsent.run({
  hideFromBots: false,  // it hides itself from automated browsers (navigator.webdriver)
  categories: {necessary: {enabled: true, readOnly: true}, functional: {}, analytics: {}, marketing: {}},
  language: {default: 'en', translations: {en: {
    consentModal: {title: 'We use cookies', description: 'Necessary cookies make the site work. With your consent we also use functional, analytics and marketing cookies.',
      acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', showPreferencesBtn: 'Settings'},
    preferencesModal: {title: 'Cookie settings', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all',
      savePreferencesBtn: 'Save my choices', closeIconLabel: 'Close', sections: [
        {title: 'Necessary', description: 'Needed for the site to work.', linkedCategory: 'necessary'},
        {title: 'Functional', description: 'Remember your choices.', linkedCategory: 'functional'},
        {title: 'Analytics', description: 'Help us improve the site.', linkedCategory: 'analytics'},
        {title: 'Marketing', description: 'Relevant offers.', linkedCategory: 'marketing'}]}}}}
});"""

WATCH = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({type: 'layout-shift', buffered: true});
const poll = () => {
  const e = document.querySelector(%r);
  if (e) {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.height > 0 && s.visibility == 'visible' && +s.opacity > 0) return void (window.__visible = performance.now());
  }
  requestAnimationFrame(poll);
};
requestAnimationFrame(poll);
"""


# Where "Accept all" is and how to tell that the decision is made.
ACCEPT = {
    "samtycke.html": (".stk-b [data-samtycke-action=accept-all]", "window.samtycke.consent"),
    "vanilla.html": ("#cc-main .cm [data-role=all]", "document.cookie.includes('cc_cookie')"),
    "floor.html": ("#floor button", "window.gone"),
}
# No banner: a plain fixed bar whose one button removes it. What the browser itself takes
# for such a click is the least any banner's click can take on this machine.
FLOOR = (
    '<div id="floor" style="position:fixed;left:0;right:0;bottom:0;height:12rem;'
    'background:#fff;border-top:1px solid #555"><button type="button">Accept all</button></div>'
    '<script>document.querySelector("#floor button").onclick = () =>'
    " { document.querySelector('#floor').remove(); window.gone = true; };</script>"
)
EVENTS = """
window.__events = [];
new PerformanceObserver((l) => window.__events.push(...l.getEntries()))
  .observe({type: 'first-input', buffered: true});
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e; })
  .observe({type: 'largest-contentful-paint', buffered: true});
"""
# How long a person holds the button down: about a tenth of a second. The press and the
# release are then separate tasks, each with its own next frame, as in the field.
HOLD_S = 0.1
# Frames as soon as they are drawn: headless Chromium otherwise waits for a 60 Hz tick.
NO_VSYNC = ["--disable-gpu-vsync", "--disable-frame-rate-limit"]
HERO = (
    "<h1>Invoicing that gets you paid</h1><p>{text}</p>"
    '<img src="hero.png" width="600" height="400" alt="A desk" style="width:100%;height:auto">'
)


def noisy_png(width: int, height: int) -> bytes:
    """A photo-like PNG (random pixels): Chromium does not count low-entropy images for LCP."""
    rows = b"".join(b"\0" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def sh(*cmd: str, cwd: Path) -> str:
    """Run a command, fail loudly."""
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def brotli_size(path: Path) -> int:
    """Brotli quality 11 size, computed by Node's zlib (no Python dependency)."""
    js = (
        "const z=require('zlib');const b=require('fs').readFileSync(process.argv[1]);"
        "process.stdout.write(String(z.brotliCompressSync(b,{params:{"
        "[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))"
    )
    return int(sh("node", "-e", js, str(path), cwd=HERE))


def sizes(paths: list[Path]) -> tuple[int, int, int]:
    """Raw, gzip -9 and brotli sizes of files served separately (summed)."""
    raw = sum(p.stat().st_size for p in paths)
    gz = sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths)
    br = sum(brotli_size(p) for p in paths)
    return raw, gz, br


def prepare(www: Path) -> dict[str, tuple[list[Path], str, str]]:
    """Build both banners into ``www``; name → (files, page, selector of the first layer)."""
    from samtycke.banner import build_script
    from samtycke.declaration import load_declaration

    if not (ROOT / "banner" / "node_modules").is_dir():
        sh("npm", "ci", "--no-audit", "--no-fund", cwd=ROOT / "banner")
    if not VCC.is_dir():
        sh("npm", "ci", "--no-audit", "--no-fund", cwd=HERE)
    sh("node", "build.mjs", str(www / "engine"), cwd=ROOT / "banner")
    decl = load_declaration(ROOT / "examples" / "billogram" / "samtycke.toml")
    (www / "samtycke.js").write_text(build_script(decl), encoding="utf-8")
    (www / "samtycke-purposes.js").write_text(build_script(decl, purposes=True), encoding="utf-8")
    for name in ("cookieconsent.umd.js", "cookieconsent.css"):
        shutil.copy(VCC / name, www / name)
    (www / "cc-config.js").write_text(VCC_CONFIG, encoding="utf-8")
    text = "Some text. " * 40
    (www / "samtycke.html").write_text(
        PAGE.format(head='<script src="samtycke.js" defer></script>', text=text), encoding="utf-8"
    )
    vcc_head = (
        '<link rel="stylesheet" href="cookieconsent.css">'
        '<script src="cookieconsent.umd.js" defer></script><script src="cc-config.js" defer></script>'
    )
    (www / "vanilla.html").write_text(PAGE.format(head=vcc_head, text=text), encoding="utf-8")
    floor = PAGE.format(head="", text=text).replace("</main>", "</main>" + FLOOR)
    (www / "floor.html").write_text(floor, encoding="utf-8")
    (www / "hero.png").write_bytes(noisy_png(600, 400))
    hero = HERO.format(text="Send invoices, get paid and follow up without lifting a finger.")
    heads = (("samtycke", '<script src="samtycke.js" defer></script>'), ("vanilla", vcc_head))
    for name, head in heads:
        page = PAGE.format(head=head, text="").replace("<h1>A page</h1><p></p>", hero)
        (www / f"{name}-hero.html").write_text(page, encoding="utf-8")
    vcc_files = [www / "cookieconsent.umd.js", www / "cookieconsent.css"]
    return {
        "samtycke engine (JS+CSS)": ([www / "engine" / "engine.js"], "", ""),
        # Add-ons build_script puts in only where the declaration (or endpoint) uses them.
        "+ addon-send.js (consent API: queue, retries, receipt)": (
            [www / "engine" / "addon-send.js"],
            "",
            "",
        ),
        "+ addon-signals.js (Consent Mode, UET, Clarity)": (
            [www / "engine" / "addon-signals.js"],
            "",
            "",
        ),
        "+ addon-xd.js (shared consent across domains)": (
            [www / "engine" / "addon-xd.js"],
            "",
            "",
        ),
        "samtycke, Billogram samtycke.js, 5 languages": (
            [www / "samtycke.js"],
            "samtycke.html",
            ".stk-b",
        ),
        "samtycke, Billogram with cookie purposes": ([www / "samtycke-purposes.js"], "", ""),
        "vanilla-cookieconsent 3.1.0 JS+CSS (no texts)": (vcc_files, "", ""),
        "vanilla-cookieconsent 3.1.0 + config, 1 language": (
            [*vcc_files, www / "cc-config.js"],
            "vanilla.html",
            "#cc-main .cm",
        ),
    }


def measure(browser: Any, url: str, selector: str, runs: int) -> dict[str, float]:
    """Median timings of ``runs`` cold loads, each in a fresh context."""
    samples: dict[str, list[float]] = {"visible": [], "cls": [], "task": [], "script": []}
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(WATCH % selector)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(url)
        page.wait_for_function("window.__visible !== undefined", timeout=10_000)
        page.wait_for_timeout(300)  # let late layout shifts show up
        dcl = page.evaluate(
            "performance.getEntriesByType('navigation')[0].domContentLoadedEventStart"
        )
        samples["visible"].append(page.evaluate("window.__visible") - dcl)
        samples["cls"].append(page.evaluate("window.__cls"))
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        samples["task"].append(metrics["TaskDuration"] * 1000)
        samples["script"].append(metrics["ScriptDuration"] * 1000)
        context.close()
    return {k: statistics.median(v) for k, v in samples.items()}


def breakdown(trace: list[dict[str, Any]]) -> dict[str, float]:
    """The click from Chromium's ``EventTiming`` trace events, unrounded, in ms.

    The interaction's latency is the longest duration among its events (the
    press's pointerdown, the release's pointerup and click share an
    ``interactionId``), as INP takes it. The release (pointerup, mouseup, click:
    one input event, the one whose handlers decide) is split as INP splits an
    interaction: input delay to its first handler, processing to the end of the
    last, presentation delay from there to the next frame on screen.
    """
    timings = [e["args"]["data"] for e in trace if e["name"] == "EventTiming" and e["ph"] == "b"]
    click = next(t for t in timings if t["type"] == "click")
    press = next(t for t in timings if t["type"] == "pointerdown")
    release = [t for t in timings if t["timeStamp"] == click["timeStamp"]]
    start = min(t["processingStart"] for t in release)
    end = click["timeStamp"] + click["duration"]
    same = [t["duration"] for t in timings if t["interactionId"] == click["interactionId"]]
    return {
        "unrounded": max(same),
        "press": press["duration"],
        "delay": start - click["timeStamp"],
        "processing": click["processingEnd"] - start,
        "presentation": end - click["processingEnd"],
    }


def traced_click(cdp: Any, page: Any, button: str, done: str) -> list[dict[str, Any]]:
    """Click ``button`` under a Chromium trace; the trace once the click is on screen.

    The pointer is moved onto the button first and then pressed, held for
    ``HOLD_S`` and released through CDP's input events, as a mouse would.
    Playwright's ``click`` would release within a millisecond, so the press
    would share the release's frame, and its actionability checks run in the
    page just before the press, work that would count as input delay no
    person's click has.
    """
    box = page.locator(button).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
    trace: list[dict[str, Any]] = []
    complete: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda p: trace.extend(p["value"]))
    cdp.on("Tracing.tracingComplete", lambda _: complete.append(True))
    cdp.send("Tracing.start", {"traceConfig": {"includedCategories": ["devtools.timeline"]}})
    for kind in ("mousePressed", "mouseReleased"):
        cdp.send(
            "Input.dispatchMouseEvent",
            {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
        )
        if kind == "mousePressed":
            time.sleep(HOLD_S)
    # Nothing asks the page anything until the release's frame is long on screen: a
    # wait_for_function polls in animation frames, and its first poll would be work
    # in the very frame being measured.
    time.sleep(0.25)
    page.wait_for_function(done, timeout=10_000)
    page.wait_for_function("window.__events.length > 0", timeout=10_000)  # after its paint
    # The click's own EventTiming trace event is written once its frame is on
    # screen, which can come after the press's entry: two more frames first.
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(50)
    cdp.send("Tracing.end")
    while not complete:
        page.wait_for_timeout(20)
    return trace


def interaction(
    browser: Any, url: str, page_name: str, runs: int, reading_ms: int
) -> dict[str, float]:
    """Medians of "Accept all" as the first input of ``runs`` fresh loads (Event Timing).

    The click comes ``reading_ms`` after the button is there: 0 is the worst
    case, a page still busy starting up; a person takes a second or more to read.
    """
    button, done = ACCEPT[page_name]
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(EVENTS)
        page = context.new_page()
        page.goto(url)
        page.locator(button).wait_for()
        if reading_ms:
            page.wait_for_timeout(reading_ms)
        trace = traced_click(context.new_cdp_session(page), page, button, done)
        # What the page itself gets: the first input's duration, rounded to 8 ms.
        got = {"inp": page.evaluate("window.__events[0].duration"), **breakdown(trace)}
        for k, v in got.items():
            samples.setdefault(k, []).append(v)
        context.close()
    return {k: statistics.median(v) for k, v in samples.items()}


def largest_paint(browser: Any, url: str, root: str, runs: int) -> tuple[str, int]:
    """The usual LCP element on a mobile viewport, and in how many loads it was the banner."""
    seen: list[str] = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        context.add_init_script(EVENTS)
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function("window.__lcp !== undefined", timeout=10_000)
        page.wait_for_timeout(500)  # a later, larger paint would replace the entry
        # LCP stops at the first input; reading it before any gives the page's value.
        seen.append(
            page.evaluate(
                f"(e => e ? (e.closest({root!r}) ? 'banner ' : '') + e.tagName.toLowerCase()"
                " : 'none')(window.__lcp.element)"
            )
        )
        context.close()
    return statistics.mode(seen), sum(s.startswith("banner") for s in seen)


def serve(www: Path) -> tuple[ThreadingHTTPServer, str]:
    """A quiet static server for ``www`` on a free port of 127.0.0.1."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def main() -> None:
    """Build, measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="page loads per banner (median)")
    parser.add_argument(
        "--no-vsync",
        action="store_true",
        help="start Chromium with --disable-gpu-vsync --disable-frame-rate-limit (both banners):"
        " frames as soon as they are ready, not at the next 60 Hz tick",
    )
    args = parser.parse_args()
    flags = NO_VSYNC if args.no_vsync else []
    from playwright.sync_api import sync_playwright

    from samtycke.scanner.browser import CHROMIUM_ARGS, find_chromium

    with tempfile.TemporaryDirectory() as tmp:
        www = Path(tmp)
        subjects = prepare(www)
        httpd, origin = serve(www)
        print(
            "| | raw B | gzip -9 B | brotli B | DCL → visible ms | CLS | main-thread task ms | script ms |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=find_chromium(), args=[*CHROMIUM_ARGS, *flags]
            )
            for name, (files, page, selector) in subjects.items():
                raw, gz, br = sizes(files)
                cells = ["", "", "", ""]
                if page:
                    m = measure(browser, f"{origin}/{page}", selector, args.runs)
                    cells = [
                        f"{m['visible']:.1f}",
                        f"{m['cls']:.3f}",
                        f"{m['task']:.1f}",
                        f"{m['script']:.1f}",
                    ]
                print(f"| {name} | {raw:,} | {gz:,} | {br:,} | " + " | ".join(cells) + " |")
            print(f"\nMedians of {args.runs} cold loads in headless Chromium; sizes as served.\n")
            print(
                "| | first input (Event Timing duration) ms | INP unrounded ms | press ms"
                " | input delay ms | processing ms | presentation delay ms"
                " | LCP element, mobile hero | banner was LCP |"
            )
            print("|---|---:|---:|---:|---:|---:|---:|---|---:|")
            for name, page, root in (
                ("samtycke", "samtycke.html", "#samtycke"),
                ("vanilla-cookieconsent 3.1.0", "vanilla.html", "#cc-main"),
            ):
                stem = page.removesuffix(".html")
                lcp, banner = largest_paint(browser, f"{origin}/{stem}-hero.html", root, args.runs)
                for when, reading in (("clicked as soon as shown", 0), ("clicked 1 s later", 1000)):
                    m = interaction(browser, f"{origin}/{page}", page, args.runs, reading)
                    cells = ("inp", "unrounded", "press", "delay", "processing", "presentation")
                    print(
                        f"| {name}, {when} | "
                        + " | ".join(f"{m[k]:.1f}" for k in cells)
                        + f" | {lcp} | {banner} of {args.runs} |"
                    )
            m = interaction(browser, f"{origin}/floor.html", "floor.html", args.runs, 1000)
            print(
                "| no banner: a button removing a plain fixed bar, clicked 1 s later | "
                + " | ".join(f"{m[k]:.1f}" for k in cells)
                + " | | |"
            )
            browser.close()
        frames = "vsync and frame-rate limit off" if args.no_vsync else "Chromium's default frames"
        print(f"\nInteraction: {frames}.")
        httpd.shutdown()


if __name__ == "__main__":
    main()
