"""The OpenAPI 3.1 document served at ``/openapi.json``, generated from the contract.

Bodies come from the dataclasses of :mod:`samtycke.contract`; this module only
says which route takes and answers which of them. tests/server/test_openapi.py
checks that every route of the app is described and runs schemathesis against
the live server, so a handler that answers something not described fails.
"""

from __future__ import annotations

from typing import Any

from samtycke.contract import (
    MODELS,
    BannerConfig,
    ConsentRequest,
    ConsentResponse,
    DisplayBatch,
    DisplayCount,
    History,
)
from samtycke.contract_rules import schemas
from samtycke.version import package_version

_ERROR_TEXT = {
    303: "Back to the page, the consent id in the fragment",
    304: "Not modified (ETag matched)",
    307: "Redirect to the reader's language",
    400: "Body is not a JSON object",
    403: "Origin is not a domain of the site",
    404: "Unknown site, language or consent id",
    413: "Body larger than 16 KB",
    422: "A field is missing, mistyped or unknown to the site",
    429: "Rate limit of this network spent; see Retry-After",
    503: "Ledger unavailable or part not installed; nothing stored",
}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "field"],
    "properties": {"error": {"type": "string"}, "field": {"type": ["string", "null"]}},
}
_GPC_SCHEMA = {
    "type": "object",
    "required": ["gpc"],
    "properties": {"gpc": {"type": "boolean"}, "lastUpdate": {"type": "string"}},
}


_KEYS_SCHEMA = {
    "type": "object",
    "required": ["keys"],
    "properties": {"keys": {"type": "array", "items": {"type": "object"}}},
}


def _param(name: str, where: str) -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": {"type": "string"}}


SITE = _param("site", "path")
SITE_QUERY = _param("site", "query")
LANG = _param("lang", "path")
CONSENT_ID = _param("consent_id", "path")


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ref(model: type) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _errors(codes: tuple[int, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code in codes:
        out[str(code)] = {"description": _ERROR_TEXT[code]}
        if code not in (303, 304, 307):
            out[str(code)]["content"] = _json(_ref_error())
    return out


def _ref_error() -> dict[str, Any]:
    return {"$ref": "#/components/schemas/Error"}


def _get(
    summary: str,
    ok: dict[str, Any] | None,
    errors: tuple[int, ...],
    params: tuple[dict[str, Any], ...] = (),
    status: str = "200",
) -> dict[str, Any]:
    """A GET operation answering ``ok`` content (a media type map) with ``status``."""
    responses: dict[str, Any] = {}
    if ok is not None:
        responses[status] = {"description": summary, "content": ok}
    responses.update(_errors(errors))
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if params:
        op["parameters"] = list(params)
    return {"get": op}


def _text(media: str) -> dict[str, Any]:
    return {media: {"schema": {"type": "string"}}}


def paths() -> dict[str, Any]:
    """Every route of the server and what it takes and answers."""
    js, css, html = _text("text/javascript"), _text("text/css"), _text("text/html")
    return {
        "/v1/consents": {
            "post": {
                "summary": "Record one consent decision (201 means committed)",
                "requestBody": {"required": True, "content": _json(_ref(ConsentRequest))},
                "responses": {
                    "201": {
                        "description": "Committed to the ledger",
                        "content": _json(_ref(ConsentResponse)),
                    },
                    **_errors((400, 403, 413, 422, 429, 503)),
                },
            }
        },
        "/v1/consents/{consent_id}": _get(
            "The decisions recorded under one consent id",
            _json(_ref(History)),
            (404, 422, 429, 503),
            (CONSENT_ID,),
        ),
        "/v1/sites/{site}": _get(
            "The banner config of a site, with revision and fingerprint",
            _json(_ref(BannerConfig)),
            (304, 404, 503),
            (SITE,),
        ),
        "/v1/sites/{site}/displays": {
            "post": {
                "summary": "Add the banner's display counts to the site's daily totals",
                "parameters": [SITE],
                "requestBody": {
                    "required": True,
                    "content": {
                        media: {"schema": _ref(DisplayBatch)}
                        for media in ("text/plain", "application/json")
                    },
                },
                "responses": {
                    "204": {"description": "Counted (in aggregate only)"},
                    **_errors((400, 403, 404, 413, 422, 429)),
                },
            }
        },
        "/v1/sites/{site}/samtycke.js": _get("The banner script", js, (304, 404, 503), (SITE,)),
        "/v1/sites/{site}/samtycke.css": _get(
            "The banner CSS when separate", css, (304, 404, 503), (SITE,)
        ),
        "/v1/sites/{site}/cookies": _get(
            "Redirect to the policy in the reader's language", None, (307, 404), (SITE,)
        ),
        "/v1/sites/{site}/cookies/{lang}": _get(
            "The cookie policy", html, (304, 404, 503), (SITE, LANG)
        ),
        "/samtycke.js": _get(
            "The banner script of this host's site", js, (304, 404, 503), (SITE_QUERY,)
        ),
        "/samtycke.css": _get("The banner CSS when separate", css, (304, 404, 503), (SITE_QUERY,)),
        "/cookies": _get(
            "Redirect to the policy in the reader's language", None, (307, 404), (SITE_QUERY,)
        ),
        "/cookies/{lang}": _get(
            "The cookie policy of this host's site", html, (304, 404, 503), (LANG, SITE_QUERY)
        ),
        "/.well-known/gpc.json": _get(
            "Global Privacy Control support", _json(_GPC_SCHEMA), (404,), (SITE_QUERY,)
        ),
        "/v1/xd/{site}/lookup": _get(
            "Cross-domain handshake: back to the page with this browser's consent id",
            None,
            (303, 400, 404),
            (SITE, _param("return", "query"), _param("nonce", "query")),
        ),
        "/v1/xd/{site}/state/{consent_id}": _get(
            "The latest decision under a consent id, as the consent cookie carries it",
            _json({"type": "object", "required": ["consent_id", "consent"]}),
            (404, 422, 503),
            (SITE, CONSENT_ID),
        ),
        "/.well-known/samtycke-keys.json": _get(
            "The Ed25519 keys receipts and anchors are signed with (JWK set)",
            _json(_KEYS_SCHEMA),
            (),
        ),
        "/healthz": {
            "get": {
                "summary": "Liveness and ledger reachability",
                "responses": {
                    "200": {"description": "Up", "content": _json({"type": "object"})},
                    "503": {
                        "description": "Ledger unreachable",
                        "content": _json({"type": "object"}),
                    },
                },
            }
        },
        "/openapi.json": _get("This document", _json({"type": "object"}), ()),
        "/robots.txt": _get("Crawling rules", _text("text/plain"), ()),
        **_shared_and_mail_paths(html),
        **_console_paths(html, css),
    }


def _console_paths(html: dict[str, Any], css: dict[str, Any]) -> dict[str, Any]:
    """The privacy console (docs/console.md): HTML pages and forms, not an API."""
    form = {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "additionalProperties": {"type": "string"}}
            }
        },
    }

    def answers(*codes: str) -> dict[str, Any]:
        text = {
            "200": "The page",
            "303": "To the login form, or on after a form",
            "400": "The form cannot be read",
            "401": "Not signed in, or a wrong password",
            "403": "Foreign or missing Origin, a wrong form token, or a role that may not",
            "404": "No such page",
            "405": "The page takes no form",
            "413": "Form larger than 16 KB",
            "415": "Not a URL-encoded form",
            "429": "Too many failed logins",
            "503": "The ledger is not open",
        }
        return {
            c: {"description": text[c], **({} if c == "303" else {"content": html})} for c in codes
        }

    posted = ("303", "400", "401", "403", "404", "405", "413", "415", "503")
    page = {
        "get": {"summary": "A console page", "responses": answers("200", "303", "404", "503")},
        "post": {
            "summary": "A console page's form",
            "requestBody": form,
            "responses": answers(*posted),
        },
    }
    slug = {"parameters": [_param("slug", "path")], **page}
    return {
        "/console": page,
        "/console/{slug}": slug,
        "/console/console.css": _get("The console's stylesheet", css, ()),
        "/console/login": {
            "get": {"summary": "The login form", "responses": answers("200")},
            "post": {
                "summary": "Sign in",
                "requestBody": form,
                "responses": answers("200", "303", "400", "401", "403", "413", "415", "429", "503"),
            },
        },
        "/console/logout": {
            "post": {"summary": "Sign out", "requestBody": form, "responses": answers(*posted)}
        },
    }


def _answer(summary: str, status: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    """A response that is no JSON error: a redirect, an image, an HTML page."""
    out: dict[str, Any] = {"description": summary}
    if content is not None:
        out["content"] = content
    return {status: out}


def _shared_and_mail_paths(html: dict[str, Any]) -> dict[str, Any]:
    """The cross-domain handshake (docs/deployment.md) and the mail endpoints (docs/email.md)."""
    token = _param("token", "path")
    back, nonce = _param("return", "query"), _param("nonce", "query")
    page = {"parameters": [token]}
    off = _answer(
        "Unknown link (a page), or no mail key configured: the endpoints are off (an error)",
        "404",
        {**html, **_json(_ref_error())},
    )
    return {
        "/v1/xd/{site}/lookup": {
            "get": {
                "summary": "Top-level handshake: back to the page with this browser's consent id",
                "parameters": [SITE, back, nonce],
                "responses": {
                    **_answer("Back to the page, the id in the fragment", "303"),
                    **_errors((400, 404)),
                },
            }
        },
        "/v1/xd/{site}/state/{consent_id}": _get(
            "The latest decision under a consent id, shared by the site's domains",
            _json({"type": "object"}),
            (404, 422, 503),
            (SITE, CONSENT_ID),
        ),
        "/v1/mail/o/{token}": {
            "get": {
                **page,
                "summary": "Open pixel (always a GIF; counts only with consent)",
                "responses": {**_answer("1x1 GIF", "200", {"image/gif": {}}), **off},
            }
        },
        "/v1/mail/c/{token}": {
            "get": {
                **page,
                "summary": "Tracked link (always to its signed target; counts only with consent)",
                "responses": {
                    **_answer("To the signed target", "302"),
                    **_answer("The token does not verify", "400", html),
                    **off,
                },
            }
        },
        "/v1/mail/p/{token}": {
            op: {
                **page,
                "summary": summary,
                "responses": {
                    **_answer(summary, status, body),
                    **off,
                    **_errors((422, 429, 503)),
                },
            }
            for op, summary, status, body in (
                ("get", "The recipient's e-mail tracking preferences", "200", html),
                ("post", "Save or withdraw (form: action=save|withdraw)", "303", None),
            )
        },
    }


SCHEMAS: dict[str, Any] = {
    "Error": _ERROR_SCHEMA,
    **schemas(MODELS, closed=(ConsentRequest, DisplayBatch, DisplayCount)),
}


def openapi_document() -> dict[str, Any]:
    """The API description as a JSON-ready dict."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "samtycke consent server",
            "version": package_version(),
            "description": "Consent API, banner assets and cookie policy pages; see docs/http-api.md.",
        },
        "paths": paths(),
        "components": {"schemas": SCHEMAS},
    }
