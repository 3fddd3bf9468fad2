"""Take the screenshots of docs/banner.md in headless Chromium: .venv/bin/python docs/img/screenshots.py

Each page is served from memory through Playwright's routing (nothing listens on a port),
and every PNG is of a small viewport, so the files stay small.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))

from playwright.sync_api import sync_playwright  # noqa: E402

from samtycke.banner import build_script  # noqa: E402
from samtycke.declaration import parse_declaration  # noqa: E402
from samtycke.policy import render_policy  # noqa: E402
from samtycke.scanner.browser import CHROMIUM_ARGS, find_chromium  # noqa: E402

ORIGIN = "http://docs.test"
BILLOGRAM = ROOT / "examples" / "billogram" / "samtycke.toml"
YOUTUBE = """
[[services]]
id = "youtube"
name = "YouTube"
provider = "Google"
category = "marketing"
"""
BRAND = """
[banner.texts.sv]
reject_all = "Bara nödvändiga"

[banner.theme]
background = "#0b1f3a"
text = "#ffffff"
link = "#9cc3ff"
accent = "#ffd166"
button_background = "#ffd166"
button_text = "#0b1f3a"
position = "top"
font = "Georgia, serif"
"""
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Demo</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem 1.5rem;color:#1d2330}}
iframe{{border:0;max-width:100%}}</style>
<script src="/samtycke.js"></script></head><body><main><h1>Invoicing that gets you paid</h1>
<p>Send invoices, get paid and follow up without lifting a finger.</p>{body}</main></body></html>"""
VIDEO = (
    '<iframe title="Product tour" width="480" height="270" data-category="marketing"'
    ' data-service="youtube" data-src="https://www.youtube.com/embed/x"></iframe>'
)


def main() -> None:
    """Render every screenshot into docs/img/."""
    text = BILLOGRAM.read_text(encoding="utf-8")
    # The example's services, cookies and texts, plus a YouTube embed for the placeholder.
    decl = parse_declaration(text.replace("\n[[cookies]]\n", YOUTUBE + "\n[[cookies]]\n", 1))
    branded = parse_declaration(text + BRAND)
    files = {
        "/": PAGE.format(lang="en", body=""),
        "/sv": PAGE.format(lang="sv", body=""),
        "/fi": PAGE.format(lang="fi", body=""),
        "/video": PAGE.format(lang="en", body=VIDEO),
        "/cookies/en": render_policy(
            decl, "en", updated=dt.date(2026, 11, 1), script_src="/samtycke.js"
        ),
    }
    scripts = {
        "/samtycke.js": build_script(decl, purposes=True),
        "/brand.js": build_script(branded),
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)

        def shot(
            name: str,
            path: str,
            size: tuple[int, int],
            script: str = "/samtycke.js",
            then: str = "",
            **options: object,
        ) -> None:
            context = browser.new_context(
                viewport={"width": size[0], "height": size[1]},
                **options,  # type: ignore[arg-type]
            )

            def answer(route: object) -> None:
                url = route.request.url  # type: ignore[attr-defined]
                p = url[len(ORIGIN) :].split("?")[0] if url.startswith(ORIGIN) else ""
                if p == "/samtycke.js":
                    route.fulfill(content_type="text/javascript", body=scripts[script])  # type: ignore[attr-defined]
                elif p in files:
                    route.fulfill(content_type="text/html", body=files[p])  # type: ignore[attr-defined]
                else:
                    route.fulfill(status=204, body="")  # type: ignore[attr-defined]

            context.route("**/*", answer)
            page = context.new_page()
            page.goto(ORIGIN + path)
            page.locator("#samtycke").wait_for(state="attached")
            if then:
                page.evaluate(then)
            page.wait_for_timeout(200)  # let the switches' transition finish
            page.screenshot(path=str(HERE / f"{name}.png"))
            context.close()

        shot("first-layer", "/", (640, 560))
        shot(
            "settings",
            "/",
            (640, 720),
            then=(
                "document.querySelector('.stk-b [data-samtycke-action=settings]').click();"
                "const d = [...document.querySelectorAll('.stk-c details')].at(-1); d.open = true; d.scrollIntoView()"
            ),
        )
        shot("zoom-400", "/", (320, 180))
        shot("policy-page", "/cookies/en", (640, 480), then="window.samtycke.show()")
        shot(
            "embed-placeholder",
            "/video",
            (640, 480),
            then="document.querySelector('.stk-b [data-samtycke-action=reject-all]').click()",
        )
        shot("brand", "/sv", (640, 420), script="/brand.js")
        shot("language-fi", "/fi", (640, 560))
        browser.close()


if __name__ == "__main__":
    main()
