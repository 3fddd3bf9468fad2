"""The OpenAPI 3.1 document served at ``/openapi.json``, written by hand to match the handlers.

tests/server/test_openapi.py runs schemathesis against it, so a handler that
answers something not described here fails the build.
"""

from __future__ import annotations

from typing import Any

from samtycke import __version__
from samtycke.consent import METHODS

_ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
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
    out: dict[str, Any] = {}
    for code in codes:
        if code in (304, 307):
            out[str(code)] = {"description": text[code]}
        else:
            out[str(code)] = {
                "description": text[code],
                "content": {"application/json": {"schema": _ERROR}},
            }
    return out


def _text(media: str, description: str, *codes: int, site_query: bool = False) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": description,
        "responses": {
            "200": {"description": description, "content": {media: {"schema": {"type": "string"}}}},
            **_errors(304, *codes),
        },
    }
    if site_query:
        op["parameters"] = [_SITE_QUERY]
    return {"get": op}


_SITE_PATH = {"name": "site", "in": "path", "required": True, "schema": {"type": "string"}}
_SITE_QUERY = {"name": "site", "in": "query", "required": False, "schema": {"type": "string"}}
_LANG_PATH = {"name": "lang", "in": "path", "required": True, "schema": {"type": "string"}}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "field"],
        "properties": {"error": {"type": "string"}, "field": {"type": ["string", "null"]}},
    },
    "ConsentRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["site", "revision", "fingerprint", "language", "method", "choices"],
        "properties": {
            "site": {"type": "string", "description": "site id from the declaration"},
            "consent_id": {
                "type": ["string", "null"],
                "pattern": "^[0-9a-f]{32}$",
                "description": "the person's consent id; omit on the first decision",
            },
            "revision": {"type": "integer", "minimum": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "language": {"type": "string"},
            "method": {"type": "string", "enum": list(METHODS.values())},
            "choices": {"type": "object", "additionalProperties": {"type": "boolean"}},
            "url": {"type": ["string", "null"], "maxLength": 2048},
        },
    },
    "ConsentReceipt": {
        "type": "object",
        "required": ["consent_id", "record_id", "recorded_at", "hash"],
        "properties": {
            "consent_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "record_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "recorded_at": {"type": "string", "format": "date-time"},
            "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        },
    },
    "Decision": {
        "type": "object",
        "required": ["record_id", "consent_id", "site", "recorded_at", "revision", "fingerprint"],
        "properties": {
            "record_id": {"type": "string"},
            "consent_id": {"type": "string"},
            "site": {"type": "string"},
            "recorded_at": {"type": "string", "format": "date-time"},
            "revision": {"type": "integer"},
            "fingerprint": {"type": "string"},
            "language": {"type": "string"},
            "method": {"type": "string"},
            "choices": {"type": "object", "additionalProperties": {"type": "boolean"}},
            "url": {"type": ["string", "null"]},
            "hash": {"type": "string"},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """The API description as a JSON-ready dict."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "samtycke consent server",
            "version": __version__,
            "description": "Consent API, banner assets and cookie policy pages; see docs/http-api.md.",
        },
        "paths": {
            "/v1/consents": {
                "post": {
                    "summary": "Record one consent decision (201 means committed)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ConsentRequest"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Committed to the ledger",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ConsentReceipt"}
                                }
                            },
                        },
                        **_errors(400, 403, 413, 422, 429, 503),
                    },
                }
            },
            "/v1/consents/{consent_id}": {
                "get": {
                    "summary": "The decisions recorded under one consent id",
                    "parameters": [
                        {
                            "name": "consent_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The history, oldest first",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["consent_id", "decisions"],
                                        "properties": {
                                            "consent_id": {"type": "string"},
                                            "decisions": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Decision"},
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        **_errors(404, 422, 429, 503),
                    },
                }
            },
            "/v1/sites/{site}": {
                "get": {
                    "summary": "The banner config of a site, with revision and fingerprint",
                    "parameters": [_SITE_PATH],
                    "responses": {
                        "200": {
                            "description": "Banner config",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["revision", "fingerprint"],
                                    }
                                }
                            },
                        },
                        **_errors(304, 404, 503),
                    },
                }
            },
            "/v1/sites/{site}/samtycke.js": _with_params(
                _text("text/javascript", "The banner script", 404, 503), [_SITE_PATH]
            ),
            "/v1/sites/{site}/cookies/{lang}": _with_params(
                _text("text/html", "The cookie policy", 404, 503), [_SITE_PATH, _LANG_PATH]
            ),
            "/samtycke.js": _text(
                "text/javascript",
                "The banner script of this host's site",
                404,
                503,
                site_query=True,
            ),
            "/samtycke.css": _text(
                "text/css", "The banner CSS when separate", 404, 503, site_query=True
            ),
            "/cookies": {
                "get": {
                    "summary": "Redirect to the policy in the reader's language",
                    "parameters": [_SITE_QUERY],
                    "responses": _errors(307, 404),
                }
            },
            "/cookies/{lang}": _with_params(
                _text("text/html", "The cookie policy of this host's site", 404, 503),
                [_LANG_PATH, _SITE_QUERY],
            ),
            "/.well-known/gpc.json": {
                "get": {
                    "summary": "Global Privacy Control support",
                    "parameters": [_SITE_QUERY],
                    "responses": {
                        "200": {
                            "description": "GPC support resource",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["gpc"],
                                        "properties": {
                                            "gpc": {"type": "boolean"},
                                            "lastUpdate": {"type": "string"},
                                        },
                                    }
                                }
                            },
                        },
                        **_errors(404),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness and ledger reachability",
                    "responses": {
                        "200": {
                            "description": "Up",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "503": {
                            "description": "Ledger unreachable",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }


def _with_params(path_item: dict[str, Any], params: list[dict[str, Any]]) -> dict[str, Any]:
    path_item["get"]["parameters"] = params
    return path_item
