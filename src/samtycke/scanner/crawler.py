"""Which links are pages of the site: normalised URLs, same site, no downloads; robots.txt."""

from __future__ import annotations

import posixpath
from urllib.parse import urldefrag, urlsplit, urlunsplit
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


def parse_robots(text: str, url: str) -> RobotFileParser:
    """A robots.txt parser loaded with ``text`` (fetched by the browser context)."""
    parser = RobotFileParser(url)
    parser.parse(text.splitlines())
    return parser
