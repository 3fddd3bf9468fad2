"""First or third party, by the Public Suffix List.

Two hosts are the same party when they share a registrable domain: the public
suffix (``co.uk``, ``github.io``, ``com``) plus one label. The list is the
snapshot the ``publicsuffixlist`` package ships; nothing is fetched. An IP
address or a single-label name (``localhost``) is its own registrable domain.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import Any

from samtycke.errors import ScanError


@cache
def _list() -> Any:
    try:
        from publicsuffixlist import PublicSuffixList
    except ImportError as exc:
        raise ScanError(
            'the scanner needs the Public Suffix List: pip install "samtycke[scanner]"'
        ) from exc
    return PublicSuffixList()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@cache
def registrable_domain(host: str) -> str:
    """The registrable domain (eTLD+1) of ``host``; the host itself when it has none."""
    host = host.strip().lower().lstrip(".").rstrip(".")
    if _is_ip(host) or "." not in host:
        return host
    found = _list().privatesuffix(host)
    return str(found) if found else host


def same_party(a: str, b: str) -> bool:
    """True when the two hosts (or cookie domains) share a registrable domain."""
    return registrable_domain(a) == registrable_domain(b)
