"""``/.well-known/gpc.json``: whether the site honours Global Privacy Control.

The same document comes from ``samtycke build`` and ``samtycke serve``
(format: https://privacycg.github.io/gpc-spec/#gpc-support-resource).
"""

from __future__ import annotations

import json
from typing import Any

from samtycke.declaration import Declaration

GPC_PATH = ".well-known/gpc.json"


def gpc_support(decl: Declaration) -> dict[str, Any]:
    """The GPC support resource of ``decl``: ``gpc`` true unless the signal is ignored."""
    body: dict[str, Any] = {"gpc": decl.site.global_privacy_control != "ignore"}
    if decl.site.updated is not None:
        body["lastUpdate"] = decl.site.updated.isoformat()
    return body


def gpc_json(decl: Declaration) -> str:
    """:func:`gpc_support` as the JSON text that is served."""
    return json.dumps(gpc_support(decl), separators=(",", ":")) + "\n"
