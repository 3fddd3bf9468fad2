"""The banner's theme and WCAG 2.2 contrast, computed from the declared colours.

Contrast follows WCAG's definition of relative luminance (sRGB, the 0.04045
threshold of IEC 61966-2-1) and ratio ``(L1 + 0.05) / (L2 + 0.05)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Position = Literal["bottom", "top", "left", "right"]
POSITIONS: tuple[Position, ...] = ("bottom", "top", "left", "right")

# Declared key → the banner's CSS property (--stk-<name>), with its default colour.
COLOURS: dict[str, tuple[str, str]] = {
    "background": ("bg", "#ffffff"),
    "text": ("fg", "#1a1a1a"),
    "link": ("link", "#1d4ed8"),
    "accent": ("accent", "#1d4ed8"),
    "button_background": ("btn-bg", "#ffffff"),
    "button_text": ("btn-fg", "#1a1a1a"),
}
DEFAULT_FONT = "system-ui,sans-serif"
# Accept and reject share one button style; these keys exist so a theme that tries to
# colour them apart is refused with a reason instead of an "unknown key".
BUTTON_KEYS = ("accept_background", "accept_text", "reject_background", "reject_text")

# (foreground[|alternative], background, minimum ratio, why): text 4.5:1 (1.4.3), parts of
# controls 3:1 (1.4.11).
CONTRAST_RULES: tuple[tuple[str, str, float, str], ...] = (
    ("text", "background", 4.5, "body text"),
    ("link", "background", 4.5, "links"),
    ("button_text", "button_background", 4.5, "button labels"),
    # A button's edge is its border (drawn in button_text) or its fill: one must stand out.
    ("button_text|button_background", "background", 3.0, "the edge of buttons"),
    ("accent", "background", 3.0, "switches and the focus ring"),
)

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# Family names, generic families, commas, quotes: nothing that could end the CSS declaration.
_FONT = re.compile(r"[A-Za-z0-9 ,'\"-]{1,200}")


@dataclass(frozen=True)
class Theme:
    """``[banner.theme]``: colours (hex, by declared key), position, logo URL and font."""

    colours: Mapping[str, str] = field(default_factory=dict)
    position: Position = "bottom"
    logo: str | None = None
    font: str | None = None

    def colour(self, key: str) -> str:
        """The declared colour ``key``, else the banner's default."""
        return self.colours.get(key) or COLOURS[key][1]

    def css_vars(self) -> dict[str, str]:
        """Every custom property banner.css uses (``--stk-<name>``), declared or default."""
        out = {var: self.colour(key).lower() for key, (var, _) in COLOURS.items()}
        out["font"] = self.font or DEFAULT_FONT
        return out


def is_hex_colour(value: str) -> bool:
    """True for ``#rgb`` or ``#rrggbb``."""
    return _HEX.fullmatch(value) is not None


def is_font(value: str) -> bool:
    """True for a CSS font-family list that cannot break out of its declaration."""
    return _FONT.fullmatch(value) is not None


def luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rgb`` or ``#rrggbb`` colour."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def contrast_problems(theme: Theme) -> list[tuple[str, str]]:
    """(key, message) for every colour pair of ``theme`` below its WCAG minimum."""
    out = []
    for fgs, bg, minimum, what in CONTRAST_RULES:
        options = fgs.split("|")
        if not any(k in theme.colours for k in (*options, bg)):
            continue  # the defaults pass; only what the site changed is reported
        ratio, fg = max((contrast(theme.colour(f), theme.colour(bg)), f) for f in options)
        if ratio < minimum:
            key = fg if fg in theme.colours else bg
            out.append(
                (
                    key,
                    f"{fg} {theme.colour(fg)} on {bg} {theme.colour(bg)} has contrast "
                    f"{ratio:.2f}:1, below the {minimum:g}:1 WCAG 2.2 AA asks for {what}",
                )
            )
    return out
