"""Collect what one browser context sets while a page loads and settles.

Three sources, because none is complete on its own:

* the cookie jar (``context.cookies()``, polled): JS and HTTP cookies, HttpOnly,
  partitioned (CHIPS) ones with their partition key;
* the raw ``Set-Cookie`` lines of every response in every frame
  (``response.headers_array()``; ``response.headers`` drops them): cookies the
  browser refused never reach the jar;
* CDP ``Network.responseReceivedExtraInfo``, which says *why* the browser
  refused a cookie, so a cookie blocked only by third-party cookie settings
  (reported, with a note) is told apart from an invalid one (not reported).

Script writes from cross-site frames (recorded by the init script) cover the
third-party cookies a script tried to write and the browser blocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from samtycke.scanner.model import CookieSighting, Pixel, StorageSighting
from samtycke.scanner.party import same_party
from samtycke.scanner.pixels import image_size
from samtycke.scanner.setcookie import SetCookie, invalid_reason, parse_set_cookie

# CDP SetCookieBlockedReason values that come from the browser's third-party
# cookie settings rather than from the cookie itself.
THIRD_PARTY_REASONS = {"UserPreferences", "ThirdPartyPhaseout", "ThirdPartyBlockedInFirstPartySet"}
_REQUEST_GRACE = 5.0  # a request open longer than this (long poll, stream) stops counting
_BODY_GRACE = 1.0  # seconds a request still counts once its response headers arrived

_STORAGE = """() => {
  const s = window.__samtyckeScan;
  const out = { origin: location.origin, local: [], session: [], writes: [], blocked: [] };
  const real = (kind) => (s && s.real[kind] ? s.real[kind]() : window[kind]);
  try { out.local = Object.keys(real("localStorage")); } catch (e) {}
  try { out.session = Object.keys(real("sessionStorage")); } catch (e) {}
  if (s) { out.writes = s.writes.slice(); out.blocked = s.blocked.slice(); }
  return out;
}"""

_FORGET_WRITES = "() => { if (window.__samtyckeScan) window.__samtyckeScan.writes.length = 0; }"

JarKey = tuple[str, str, str]


def _jar_key(c: dict[str, Any]) -> JarKey:
    return (c["name"], str(c["domain"]).lstrip("."), c.get("path") or "/")


def _jar_state(c: dict[str, Any]) -> tuple[str, float]:
    return (c.get("value", ""), round(float(c.get("expires", -1))))


def _default_path(url: str) -> str:
    path = urlsplit(url).path or "/"
    return "/" if path.count("/") <= 1 else posixpath.dirname(path)


@dataclass
class _PageLog:
    url: str
    host: str
    responses: list[tuple[str, list[str]]] = field(default_factory=list)
    jar_seen: dict[JarKey, dict[str, Any]] = field(default_factory=dict)
    pixels: list[Pixel] = field(default_factory=list)


class ContextCollector:
    """Listens to one browser context; hands out each page's sightings."""

    def __init__(self, context: Any, tracker_host: Callable[[str], str | None]) -> None:
        self.context = context
        self._tracker_host = tracker_host  # request host -> tracker service name, or None
        self._blocked: dict[str, list[str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._open: dict[Any, float] = {}  # request -> loop time it stops counting
        self._last_activity = 0.0
        self._jar: dict[JarKey, tuple[str, float]] = {}
        self._log = _PageLog("", "")
        self._page: Any = None
        context.on("request", self._on_request)
        context.on("requestfinished", self._on_request_done)
        context.on("requestfailed", self._on_request_done)
        context.on("response", self._on_response)

    async def attach_cdp(self, page: Any) -> None:
        """Listen for the browser's reasons for refusing cookies (Chromium only).

        Out-of-process (site-isolated) frames have CDP sessions of their own;
        each is attached as it appears. Where that fails, the own rules of
        :func:`invalid_reason` and the jar decide.
        """
        self._page = page
        await self._listen(page)
        page.on("frameattached", self._on_frame)

    async def _listen(self, target: Any) -> None:
        try:
            cdp = await self.context.new_cdp_session(target)
            await cdp.send("Network.enable")
        except Exception:  # an in-process frame, or no CDP: the page session covers it
            return
        cdp.on("Network.responseReceivedExtraInfo", self._on_extra_info)

    def _on_frame(self, frame: Any) -> None:
        task = asyncio.ensure_future(self._listen(frame))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- listeners -----------------------------------------------------------------

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _on_request(self, request: Any) -> None:
        self._open[request] = self._now() + _REQUEST_GRACE
        self._last_activity = self._now()
        host = (urlsplit(request.url).hostname or "").lower()
        service = self._tracker_host(host)
        if service is not None:
            self._log.pixels.append(Pixel(request.url, f"request to a {service} host"))

    def _on_request_done(self, request: Any) -> None:
        self._open.pop(request, None)
        self._last_activity = self._now()

    def _on_extra_info(self, event: dict[str, Any]) -> None:
        for blocked in event.get("blockedCookies", []):
            line = blocked.get("cookieLine", "")
            self._blocked[line] = list(blocked.get("blockedReasons", []))

    def _on_response(self, response: Any) -> None:
        # Chromium reports no end for keepalive fetches (a banner's consent
        # POST, a beacon); once the answer is here, give its body a second.
        request = response.request
        if request in self._open:
            self._open[request] = min(self._open[request], self._now() + _BODY_GRACE)
        task = asyncio.ensure_future(self._read_response(response, self._log))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read_response(self, response: Any, log: _PageLog) -> None:
        try:
            headers = await response.headers_array()
        except Exception:  # the response vanished with its frame
            return
        lines: list[str] = []
        for h in headers:
            if h["name"].lower() == "set-cookie":
                # CDP joins repeated headers with newlines; split them back.
                lines += [x for x in h["value"].split("\n") if x.strip()]
        if lines:
            log.responses.append((response.url, lines))
        if response.request.resource_type == "image":
            size = await _image_size(response)
            if size is not None and size[0] <= 1 and size[1] <= 1:
                log.pixels.append(Pixel(response.url, "1×1 image"))

    # --- per page ----------------------------------------------------------------

    def inflight(self) -> int:
        """Open requests still within their grace period."""
        now = self._now()
        return sum(1 for deadline in self._open.values() if deadline > now)

    def last_activity(self) -> float:
        """Loop time of the last request start or end."""
        return self._last_activity

    async def start_page(self, url: str) -> None:
        """Begin a page: what the jar holds now is not this page's doing."""
        self._log = _PageLog(url, (urlsplit(url).hostname or "").lower())
        self._jar = {_jar_key(c): _jar_state(c) for c in await self.context.cookies()}

    async def cut(self) -> None:
        """Forget what this page set so far (the banner was just answered)."""
        await self.poll_jar()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._log.jar_seen.clear()
        self._log.responses.clear()
        self._log.pixels.clear()
        for frame in self._page.frames if self._page is not None else []:
            with contextlib.suppress(Exception):  # a detached frame has no writes to forget
                await frame.evaluate(_FORGET_WRITES)

    async def poll_jar(self) -> bool:
        """Snapshot the jar; True when a cookie appeared or changed since the last poll."""
        changed = False
        for c in await self.context.cookies():
            key, state = _jar_key(c), _jar_state(c)
            if self._jar.get(key) != state:
                self._jar[key] = state
                self._log.jar_seen[key] = c
                changed = True
        return changed

    async def finish_page(
        self, page: Any
    ) -> tuple[list[CookieSighting], list[StorageSighting], list[Pixel], list[str]]:
        """This page's cookies, storage, pixels and refused cookies (``"name: reason"``)."""
        await self.poll_jar()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        log = self._log
        jar_now = {_jar_key(c): c for c in await self.context.cookies()}
        in_jar = set(jar_now) | set(log.jar_seen)
        cookies: list[CookieSighting] = []
        rejected: list[str] = []
        for url, lines in log.responses:
            for line in lines:
                sighting = self._judge(line, url, log.host, in_jar, rejected, "header")
                if sighting is not None:
                    cookies.append(sighting)
        storage, writes = await _storage(page)
        for url, line in writes:
            host = (urlsplit(url).hostname or "").lower()
            if not same_party(host, log.host):
                sighting = self._judge(line, url, log.host, in_jar, rejected, "script")
                if sighting is not None:
                    cookies.append(sighting)
                continue
            # A page that writes again what the jar already held (the state's
            # cookies after a decision: the same value, and no expiry or one in
            # the same second) leaves the jar as it was, yet it set the cookie.
            key = _written_key(line, url)
            if key is not None and key in jar_now and key not in log.jar_seen:
                log.jar_seen[key] = jar_now[key]
        cookies[:0] = [_from_jar(c) for c in log.jar_seen.values()]
        return cookies, storage, list(log.pixels), rejected

    def _judge(
        self,
        line: str,
        url: str,
        top_host: str,
        in_jar: set[JarKey],
        rejected: list[str],
        source: str,
    ) -> CookieSighting | None:
        parsed = parse_set_cookie(line)
        if parsed is None:
            rejected.append(f"{line.split(';')[0][:40]}: no name=value pair")
            return None
        if parsed.deletes:
            return None
        reason = invalid_reason(parsed, url)
        reasons = self._blocked.get(line, [])
        if reason is None and reasons and not set(reasons) <= THIRD_PARTY_REASONS:
            reason = "refused by the browser: " + ", ".join(reasons)
        if reason is not None:
            rejected.append(f"{parsed.name}: {reason}")
            return None
        host = (urlsplit(url).hostname or "").lower()
        key = _cookie_key(parsed, url)
        cross_site = not same_party(host, top_host)
        # Without CDP's word (e.g. an out-of-process frame) a valid cross-site
        # cookie missing from the jar was refused by the third-party setting.
        blocked = bool(reasons) or (cross_site and not parsed.partitioned and key not in in_jar)
        return _from_header(parsed, key, source, blocked)


def _cookie_key(parsed: SetCookie, url: str) -> JarKey:
    """The jar key of a cookie set by ``url``: its domain (or host) and path (or the default)."""
    host = (urlsplit(url).hostname or "").lower()
    return (parsed.name, parsed.domain or host, parsed.path or _default_path(url))


def _written_key(line: str, url: str) -> JarKey | None:
    """The jar key a first-party ``document.cookie`` write sets, or None (deletes, garbage)."""
    parsed = parse_set_cookie(line)
    if parsed is None or parsed.deletes:
        return None
    return _cookie_key(parsed, url)


def _from_jar(c: dict[str, Any]) -> CookieSighting:
    expires = float(c.get("expires", -1))
    return CookieSighting(
        name=c["name"],
        domain=str(c["domain"]).lstrip("."),
        path=c.get("path") or "/",
        lifetime=None if expires < 0 else expires - time.time(),
        http_only=bool(c.get("httpOnly")),
        secure=bool(c.get("secure")),
        same_site=c.get("sameSite"),
        partitioned="partitionKey" in c,
        source="jar",
    )


def _from_header(parsed: SetCookie, key: JarKey, source: str, blocked: bool) -> CookieSighting:
    return CookieSighting(
        name=key[0],
        domain=key[1],
        path=key[2],
        lifetime=parsed.lifetime(),
        http_only=parsed.http_only,
        secure=parsed.secure,
        same_site=parsed.same_site or "Lax",
        partitioned=parsed.partitioned,
        source="header" if source == "header" else "script",
        blocked=blocked,
    )


async def _image_size(response: Any) -> tuple[int, int] | None:
    length = response.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > 4096:
        return None  # a real picture, not a pixel; do not pull it over CDP
    try:
        body = await response.body()
    except Exception:  # redirected or evicted bodies cannot be read; not a pixel we can prove
        return None
    return image_size(body)


async def _storage(page: Any) -> tuple[list[StorageSighting], list[tuple[str, str]]]:
    storage: list[StorageSighting] = []
    writes: list[tuple[str, str]] = []
    for frame in page.frames:
        try:
            got = await frame.evaluate(_STORAGE)
        except Exception:  # detached or navigating frame: nothing to read
            continue
        origin = got["origin"]
        storage += [StorageSighting("localStorage", k, origin) for k in got["local"]]
        storage += [StorageSighting("sessionStorage", k, origin) for k in got["session"]]
        storage += [StorageSighting(kind, k, origin, blocked=True) for kind, k in got["blocked"]]
        writes += [(frame.url, w) for w in got["writes"]]
    return storage, writes
