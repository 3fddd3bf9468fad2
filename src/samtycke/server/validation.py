"""Checking a consent POST: every field typed, known to the site and consistent.

The body is refused as a whole at the first problem; nothing is written for it.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from samtycke import ids
from samtycke.consent import METHODS, new_consent_id
from samtycke.server.errors import ApiError
from samtycke.server.sites import Site, Version

FIELDS = ("site", "consent_id", "revision", "fingerprint", "language", "method", "choices", "url")
REQUIRED = ("site", "revision", "fingerprint", "language", "method", "choices")
MAX_URL = 2048
MAX_DEPTH = 32


@dataclass(frozen=True)
class ConsentPost:
    """A valid consent POST, ready to become a ledger decision."""

    site: Site
    consent_id: str
    revision: int
    fingerprint: str
    language: str
    method: str
    choices: dict[str, bool]
    url: str | None


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object in ``raw`` (ApiError 400 when it is not one, or nested too deep)."""
    # A consent is two levels deep; the parser would recurse on each level of
    # a hostile body until Python's recursion limit ended the request with a 500.
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and json_depth(raw) > MAX_DEPTH:
        raise ApiError(400, f"body is nested more than {MAX_DEPTH} levels deep")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"body is not valid JSON ({exc})") from None
    except RecursionError:
        raise ApiError(400, f"body is nested more than {MAX_DEPTH} levels deep") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"body must be a JSON object, not {type(data).__name__}")
    return data


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in ``raw``, brackets in strings not counted."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def validate_consent(
    data: dict[str, Any],
    sites: dict[str, Site],
    version_of: Callable[[str, str], Version | None],
) -> ConsentPost:
    """Check a parsed body against the served sites and their stored versions."""
    for key in data:
        if key not in FIELDS:
            raise ApiError(422, f"unknown field {key!r} (allowed: {', '.join(FIELDS)})", key)
    for key in REQUIRED:
        if key not in data:
            raise ApiError(422, f"{key} is required", key)
    sid = _string(data, "site")
    site = sites.get(sid)
    if site is None:
        raise ApiError(422, f"unknown site {sid!r}", "site")
    consent_id = data.get("consent_id")
    if consent_id is None:
        consent_id = new_consent_id()
    elif not ids.is_hex32(consent_id):
        raise ApiError(422, "consent_id must be 32 lower-case hex digits", "consent_id")
    revision = data["revision"]
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise ApiError(422, "revision must be a whole number of at least 1", "revision")
    fp = _string(data, "fingerprint")
    if not ids.is_hex64(fp):
        raise ApiError(422, "fingerprint must be 64 lower-case hex digits (sha256)", "fingerprint")
    version = version_of(sid, fp)
    if version is None:
        raise ApiError(422, f"fingerprint {fp} is not a declaration of site {sid!r}", "fingerprint")
    if version.revision != revision:
        raise ApiError(
            422,
            f"revision {revision} does not match fingerprint {fp[:12]}…, which is "
            f"revision {version.revision}",
            "revision",
        )
    language = _string(data, "language")
    if language not in version.languages:
        raise ApiError(
            422,
            f"language {language!r} is not one of the site's ({', '.join(version.languages)})",
            "language",
        )
    method = _string(data, "method")
    if method not in METHODS.values():
        raise ApiError(
            422, f"method {method!r} is not one of {', '.join(METHODS.values())}", "method"
        )
    choices = _choices(data["choices"], version, method)
    return ConsentPost(site, consent_id, revision, fp, language, method, choices, _url(data))


def _string(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ApiError(422, f"{key} must be a string", key)
    return value


def _choices(value: Any, version: Version, method: str) -> dict[str, bool]:
    if not isinstance(value, dict):
        raise ApiError(422, "choices must be an object of category: true|false", "choices")
    for cat, yes in value.items():
        if cat not in version.categories:
            raise ApiError(
                422,
                f"choices: unknown category {cat!r} (the site has {', '.join(version.categories)})",
                "choices",
            )
        if not isinstance(yes, bool):
            raise ApiError(422, f"choices.{cat} must be true or false", "choices")
    missing = [c for c in version.categories if c not in value]
    if missing:
        raise ApiError(422, f"choices: category {missing[0]!r} is missing", "choices")
    if "necessary" in value and value["necessary"] is not True:
        raise ApiError(422, "choices.necessary must be true (it cannot be refused)", "choices")
    for cat in version.categories:
        if cat not in version.refusable and value[cat] is not True:
            raise ApiError(422, f"choices.{cat} must be true (it cannot be refused)", "choices")
    refusable = [c for c in version.categories if c in version.refusable]
    if method == "accept-all" and not all(value[c] for c in refusable):
        raise ApiError(422, "method accept-all needs every category true", "choices")
    if method == "reject-all" and any(value[c] for c in refusable):
        raise ApiError(422, "method reject-all needs every refusable category false", "choices")
    return {c: bool(value[c]) for c in version.categories}


def _url(data: dict[str, Any]) -> str | None:
    value = data.get("url")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_URL:
        raise ApiError(422, f"url must be a string of at most {MAX_URL} characters", "url")
    if not value.isprintable() or not _encodable(value):
        raise ApiError(422, "url must not contain control characters", "url")
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:
        raise ApiError(422, "url is not a URL", "url") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(422, "url must be an absolute http(s) URL", "url")
    # The query and fragment may carry personal data; the proof needs the page only.
    host = parts.netloc.rsplit("@", 1)[-1]  # never keep user:password@
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from JSON escapes
        return False
    return True
