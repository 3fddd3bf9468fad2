"""``[shared_consent]``: the domains on which one decision counts for all.

A site's consent cookie is first-party, so it covers a domain and its
subdomains only. The domains listed here — each one of the site's
``[site] domains`` — share one decision through a first-party handshake with
the consent server, even when they are different registrable domains (a help
centre on ``billogram.zendesk.com`` and the site on ``billogram.com``).
"""

from __future__ import annotations

from collections.abc import Sequence

from samtycke import ids
from samtycke.declaration.checks import Checks, show
from samtycke.declaration.models import normalize_domain


class SharedConsentChecks(Checks):
    """Reads ``[shared_consent]``; mixed into the declaration loader's validator."""

    def shared_consent(self, raw: object, site_domains: Sequence[str]) -> tuple[str, ...]:
        if raw is None:
            return ()
        where = ("shared_consent",)
        t = self.table(raw, where, "[shared_consent]")
        if t is None:
            return ()
        self.keys(t, ("domains",), where, "[shared_consent]")
        listed = t.get("domains")
        if (
            not isinstance(listed, list)
            or len(listed) < 2
            or not all(isinstance(d, str) for d in listed)
        ):
            self.error(
                (*where, "domains"),
                "[shared_consent]: domains must list at least two of the site's domains, "
                f'like ["example.com", "help.example.net"], not {show(listed)}',
            )
            return ()
        out: list[str] = []
        for d in listed:
            norm = normalize_domain(d)
            if not ids.is_domain(norm) or "." not in norm:
                self.error((*where, "domains"), f"[shared_consent]: {d!r} is not a host name")
            elif norm not in site_domains:
                self.error(
                    (*where, "domains"),
                    f"[shared_consent]: {d!r} is not one of the [site] domains "
                    f"({', '.join(site_domains)}); add it there first",
                )
            elif norm not in out:
                out.append(norm)
        return tuple(out)
