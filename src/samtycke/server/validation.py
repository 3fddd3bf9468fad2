"""Checking a consent POST: every field typed, known to the site and consistent.

The body is refused as a whole at the first problem; nothing is written for it.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any, NamedTuple

from samtycke import ids
from samtycke.consent import new_consent_id
from samtycke.contract import (
    MAX_REFUSED_SERVICES,
    MAX_URL,
    METHOD_NAMES,
    SIGNAL_ALLOWS,
    SOURCE_NAMES,
    ConsentRequest,
)
from samtycke.contract_rules import field_names, required_names
from samtycke.server.errors import ApiError
from samtycke.server.sites import Site, Version

FIELDS = field_names(ConsentRequest)
REQUIRED = required_names(ConsentRequest)
SIGNAL_METHODS = ("gpc", "dnt")
MAX_DEPTH = 32


class ConsentPost(NamedTuple):
    """A valid consent POST, ready to become a ledger decision (a tuple: see consents.Caller)."""

    site: Site
    consent_id: str
    revision: int
    fingerprint: str
    language: str
    method: str
    choices: dict[str, bool]
    url: str | None
    decision_id: str | None = None
    refused_services: tuple[str, ...] = ()
    source: str = "banner"


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


def consent_key(data: dict[str, Any], sites: dict[str, Site]) -> tuple[Site, str]:
    """The site and fingerprint a body names: what must be looked up before the rest is checked."""
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
    fp = _string(data, "fingerprint")
    if not ids.is_hex64(fp):
        raise ApiError(422, "fingerprint must be 64 lower-case hex digits (sha256)", "fingerprint")
    return site, fp


def validate_consent(data: dict[str, Any], site: Site, version: Version | None) -> ConsentPost:
    """Check a body (already past :func:`consent_key`) against the version it names."""
    fp = data["fingerprint"]
    if version is None:
        raise ApiError(
            422, f"fingerprint {fp} is not a declaration of site {site.id!r}", "fingerprint"
        )
    consent_id = _optional_id(data, "consent_id") or new_consent_id()
    revision = data["revision"]
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise ApiError(422, "revision must be a whole number of at least 1", "revision")
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
    method = _one_of(data, "method", METHOD_NAMES)
    source = _one_of(data, "source", SOURCE_NAMES, "banner")
    if (method in SIGNAL_METHODS or source in SIGNAL_METHODS) and method != source:
        raise ApiError(
            422, f"method {method!r} and source {source!r}: a privacy signal is both", "source"
        )
    choices = _choices(data["choices"], version, method)
    refused = _refused(data.get("refused_services", []), version, choices)
    return ConsentPost(
        site,
        consent_id,
        revision,
        fp,
        language,
        method,
        choices,
        _url(data),
        _optional_id(data, "decision_id"),
        refused,
        source,
    )


def _optional_id(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not ids.is_hex32(value):
        raise ApiError(422, f"{key} must be 32 lower-case hex digits", key)
    return value


def _one_of(
    data: dict[str, Any], key: str, allowed: tuple[str, ...], default: str | None = None
) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise ApiError(422, f"{key} {value!r} is not one of {', '.join(allowed)}", key)
    return str(value)


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
    if method in SIGNAL_METHODS:
        # A privacy signal only takes away: at most what the declared mode leaves.
        allowed = SIGNAL_ALLOWS[version.signals.get(method, "necessary-only")]
        extra = [c for c in refusable if value[c] and c not in allowed]
        if extra:
            raise ApiError(
                422,
                f"method {method} cannot accept {extra[0]!r}: the site's mode for this signal "
                f"is {version.signals.get(method, 'necessary-only')}",
                "choices",
            )
    return {c: bool(value[c]) for c in version.categories}


def _refused(value: Any, version: Version, choices: dict[str, bool]) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_REFUSED_SERVICES:
        raise ApiError(
            422,
            f"refused_services must be a list of at most {MAX_REFUSED_SERVICES} service ids",
            "refused_services",
        )
    for sid in value:
        category = version.services.get(sid) if isinstance(sid, str) else None
        if category is None:
            raise ApiError(
                422, f"refused_services: {sid!r} is not a service of the site", "refused_services"
            )
        if not choices.get(category):
            raise ApiError(
                422,
                f"refused_services: {sid!r} is in {category!r}, which is not accepted "
                "(refuse the category instead)",
                "refused_services",
            )
    return tuple(sorted(set(value)))


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
