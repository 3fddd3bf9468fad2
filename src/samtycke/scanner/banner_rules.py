"""How to find "Accept all" and "Reject all" on the common consent banners.

The selectors are facts about each platform's markup. Playwright's CSS engine
pierces open shadow roots, so the Usercentrics buttons are reachable too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["accept-all", "reject-all"]


@dataclass(frozen=True)
class BannerRule:
    """One platform: the selectors of its accept-all and reject-all buttons."""

    name: str
    accept: tuple[str, ...]
    reject: tuple[str, ...]

    def selectors(self, action: Action) -> tuple[str, ...]:
        """The selectors for ``action``, most specific first."""
        return self.accept if action == "accept-all" else self.reject


SAMTYCKE = BannerRule(
    "samtycke",
    accept=('[data-samtycke-action="accept-all"]',),
    reject=('[data-samtycke-action="reject-all"]',),
)

RULES: tuple[BannerRule, ...] = (
    BannerRule(
        "onetrust",
        accept=("#onetrust-accept-btn-handler", "#accept-recommended-btn-handler"),
        reject=("#onetrust-reject-all-handler", ".ot-pc-refuse-all-handler"),
    ),
    BannerRule(
        "cookiebot",
        accept=(
            "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",
            "#CybotCookiebotDialogBodyButtonAccept",
        ),
        reject=("#CybotCookiebotDialogBodyButtonDecline",),
    ),
    BannerRule(
        "didomi",
        accept=("#didomi-notice-agree-button",),
        reject=("#didomi-notice-disagree-button", ".didomi-continue-without-agreeing"),
    ),
    BannerRule(
        "usercentrics",
        accept=('[data-testid="uc-accept-all-button"]',),
        reject=('[data-testid="uc-deny-all-button"]',),
    ),
    BannerRule(
        "quantcast",
        accept=('.qc-cmp2-summary-buttons button[mode="primary"]',),
        reject=('.qc-cmp2-summary-buttons button[mode="secondary"]',),
    ),
    BannerRule("cookieyes", accept=(".cky-btn-accept",), reject=(".cky-btn-reject",)),
    BannerRule(
        "klaro",
        accept=(".klaro .cm-btn-accept-all", ".klaro .cm-btn-success"),
        reject=(".klaro .cn-decline", ".klaro .cm-btn-decline"),
    ),
    BannerRule(
        "vanilla-cookieconsent",
        accept=('#cc-main button[data-role="all"]', "#cc_div #c-p-bn"),
        reject=('#cc-main button[data-role="necessary"]', "#cc_div #c-s-bn"),
    ),
    BannerRule("complianz", accept=(".cmplz-btn.cmplz-accept",), reject=(".cmplz-btn.cmplz-deny",)),
    BannerRule(
        "tarteaucitron",
        accept=("#tarteaucitronPersonalize2", "#tarteaucitronAllAllowed"),
        reject=("#tarteaucitronAllDenied2", "#tarteaucitronAllDenied"),
    ),
)

# Button texts in sv, en, fi, nb and de, compared after lower-casing and
# collapsing whitespace; a button matches when its text equals one of them.
TEXTS: dict[Action, tuple[str, ...]] = {
    "accept-all": (
        # en
        "accept all",
        "accept all cookies",
        "allow all",
        "allow all cookies",
        "accept",
        "accept cookies",
        "i accept",
        "agree",
        "i agree",
        "agree and close",
        "ok",
        # sv
        "godkänn alla",
        "godkänn alla cookies",
        "acceptera alla",
        "acceptera alla cookies",
        "tillåt alla",
        "godkänn",
        "acceptera",
        "jag godkänner",
        # fi
        "hyväksy kaikki",
        "hyväksy kaikki evästeet",
        "salli kaikki",
        "hyväksy",
        "hyväksyn",
        # nb
        "godta alle",
        "godta alle informasjonskapsler",
        "aksepter alle",
        "tillat alle",
        "godta",
        "aksepter",
        "jeg godtar",
        # de
        "alle akzeptieren",
        "alle cookies akzeptieren",
        "alle zulassen",
        "akzeptieren",
        "zustimmen",
        "alle annehmen",
        "einverstanden",
        "ich stimme zu",
    ),
    "reject-all": (
        # en
        "reject all",
        "reject all cookies",
        "reject",
        "decline",
        "decline all",
        "deny",
        "deny all",
        "refuse all",
        "only necessary",
        "necessary only",
        "only necessary cookies",
        "use necessary cookies only",
        # sv
        "avvisa alla",
        "neka alla",
        "avböj alla",
        "avböj",
        "neka",
        "avvisa",
        "endast nödvändiga",
        "bara nödvändiga",
        "endast nödvändiga cookies",
        # fi
        "hylkää kaikki",
        "hylkää",
        "kieltäydy",
        "vain välttämättömät",
        "vain välttämättömät evästeet",
        # nb
        "avvis alle",
        "avslå alle",
        "avslå",
        "avvis",
        "kun nødvendige",
        "kun nødvendige informasjonskapsler",
        # de
        "alle ablehnen",
        "ablehnen",
        "nur notwendige",
        "nur notwendige cookies",
        "nur erforderliche",
        "nur erforderliche cookies",
        "nicht zustimmen",
    ),
}
