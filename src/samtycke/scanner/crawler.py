"""Which pages to visit: same-site links, breadth first, within depth and page limits."""

from __future__ import annotations

import posixpath
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

# Links to these are files, not pages; visiting them would only download them.
_NOT_PAGES = {
    ".pdf",
    ".zip",
    ".gz",
    ".tar",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".svg",
    ".ico",
    ".mp3",
    ".mp4",
    ".webm",
    ".mov",
    ".avi",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".csv",
    ".json",
    ".xml",
    ".txt",
    ".css",
    ".js",
    ".woff",
    ".woff2",
    ".exe",
    ".dmg",
}


def site_host(host: str) -> str:
    """The host without a leading ``www.``, so www.x.com and x.com are one site."""
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def normalize_url(url: str) -> str | None:
    """The URL without fragment, with a path; ``None`` when it is not http(s)."""
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def same_site(url: str, start: str) -> bool:
    """True when ``url`` is on the start URL's host or one of its subdomains (any port)."""
    a = site_host(urlsplit(url).hostname or "")
    b = site_host(urlsplit(start).hostname or "")
    return a == b or a.endswith("." + b)


def looks_like_page(url: str) -> bool:
    """False for links to downloads (by extension)."""
    ext = posixpath.splitext(urlsplit(url).path)[1].lower()
    return ext not in _NOT_PAGES


@dataclass
class Frontier:
    """The breadth-first queue of pages to visit in one phase."""

    start: str
    max_pages: int
    max_depth: int
    robots: RobotFileParser | None = None
    seen: set[str] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)
    _queue: deque[tuple[str, int]] = field(default_factory=deque)
    _taken: int = 0

    def __post_init__(self) -> None:
        self.seen.add(self.start)
        self._queue.append((self.start, 0))

    def next(self) -> tuple[str, int] | None:
        """The next page and its depth, or ``None`` when done."""
        if self._taken >= self.max_pages or not self._queue:
            return None
        self._taken += 1
        return self._queue.popleft()

    def add_links(self, links: list[str], base: str, depth: int) -> None:
        """Queue the same-site page links found on a page at ``depth``."""
        if depth + 1 > self.max_depth:
            return
        for href in links:
            url = normalize_url(urljoin(base, href))
            if url is None or url in self.seen:
                continue
            self.seen.add(url)
            if not same_site(url, self.start) or not looks_like_page(url):
                continue
            if self.robots is not None and not self.robots.can_fetch("*", url):
                self.skipped.append(url)
                continue
            self._queue.append((url, depth + 1))


def parse_robots(text: str, url: str) -> RobotFileParser:
    """A robots.txt parser loaded with ``text`` (fetched by the browser context)."""
    parser = RobotFileParser(url)
    parser.parse(text.splitlines())
    return parser
