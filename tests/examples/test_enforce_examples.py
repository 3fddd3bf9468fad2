"""The FastAPI, Flask and Django example apps run and enforce consent."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from samtycke.consent import encode_consent_cookie
from samtycke.declaration import fingerprint, load_declaration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TAG = b'<script src="/samtycke.js" defer></script>'


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_example_app", EXAMPLES / name / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def accepted(name: str) -> str:
    """A current consent cookie for the example ``name``'s declaration."""
    fp = fingerprint(load_declaration(EXAMPLES / name / "samtycke.toml"))
    value = encode_consent_cookie(
        ["functional", "analytics"], 1, timestamp=time.time(), fingerprint=fp
    )
    return f"samtycke={value}"


def asgi_get(app: Any, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(path, headers=headers)

    # A worker thread: Playwright's sync API may hold an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()


def names(set_cookies: list[str]) -> list[str]:
    return sorted(h.split("=", 1)[0] for h in set_cookies)


def test_fastapi_example() -> None:
    app = load("fastapi").app
    r = asgi_get(app, "/")
    assert r.status_code == 200
    assert names(r.headers.get_list("set-cookie")) == ["session"]
    assert TAG + b"</head>" in r.content and r.headers["content-length"] == str(len(r.content))
    r = asgi_get(app, "/", {"cookie": accepted("fastapi")})
    assert names(r.headers.get_list("set-cookie")) == ["_ga", "ab_variant", "session"]
    assert b"analytics allowed: True (from cookie)" in r.content
    script = asgi_get(app, "/samtycke.js")
    assert script.text.startswith("window.samtyckeConfig=")


def test_flask_example() -> None:
    client = load("flask").app.test_client(use_cookies=False)
    r = client.get("/", headers={"DNT": "1"})
    # A privacy signal never grants consent: the A/B cookie waits for a choice.
    assert names(r.headers.getlist("Set-Cookie")) == ["session"]
    assert b"(from dnt)" in r.data and TAG in r.data
    r = client.get("/", headers={"Cookie": accepted("flask")})
    assert names(r.headers.getlist("Set-Cookie")) == ["_ga", "ab_variant", "session"]


DJANGO_PROBE = """
import json, sys, django
import app
django.setup()
from django.test import Client
out = {}
for label, cookie in (("none", ""), ("accepted", sys.argv[1])):
    r = Client(HTTP_COOKIE=cookie).get("/")
    out[label] = {"status": r.status_code, "cookies": sorted(r.cookies), "body": r.content.decode()}
print(json.dumps(out))
"""


def test_django_example() -> None:
    # A subprocess: Django settings are process-wide and the contrib tests configure their own.
    proc = subprocess.run(
        [sys.executable, "-c", DJANGO_PROBE, accepted("django")],
        cwd=EXAMPLES / "django",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["none"]["status"] == 200
    assert out["none"]["cookies"] == ["csrftoken", "sessionid"]
    assert '<script src="/samtycke.js" defer></script>' in out["none"]["body"]
    assert out["accepted"]["cookies"] == ["_ga", "ab_variant", "csrftoken", "sessionid"]
    assert "analytics allowed: True (from cookie)" in out["accepted"]["body"]
