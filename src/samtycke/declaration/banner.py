"""The ``[banner]`` table: behaviour, the site's own words per language, theme, tag signals."""

from __future__ import annotations

from typing import Any, cast

from samtycke import locales
from samtycke.declaration.checks import Checks, did_you_mean, show
from samtycke.declaration.models import Banner, ConsentMode, RegionDefault
from samtycke.declaration.theme import (
    BUTTON_KEYS,
    COLOURS,
    POSITIONS,
    Position,
    Theme,
    contrast_problems,
    is_font,
    is_hex_colour,
)
from samtycke.declaration.urls import url_problem

_BANNER_KEYS = (
    "endpoint", "settings_button", "wait_for_update", "microsoft_uet", "clarity",
    "consent_mode", "theme", "texts",
)  # fmt: skip
_THEME_KEYS = (*COLOURS, *BUTTON_KEYS, "position", "logo", "font")
_CONSENT_MODE_KEYS = ("ads_data_redaction", "url_passthrough", "regions")
# The categories Consent Mode has signals for (see banner/src/gcm.ts).
_SIGNALLED = ("functional", "analytics", "marketing")


class BannerChecks(Checks):
    """Reads ``[banner]``."""

    def banner(self, raw: object) -> Banner | None:
        t = self.table(raw, ("banner",), "[banner]")
        if t is None:
            return None
        where = ("banner",)
        self.keys(t, _BANNER_KEYS, where, "[banner]")
        return Banner(
            endpoint=self.url(t, "endpoint", where, "[banner]", relative=True),
            settings_button=self.boolean(t, "settings_button", where, "[banner]", True),
            wait_for_update=self.integer(t, "wait_for_update", where, "[banner]", 500, 0),
            microsoft_uet=self.boolean(t, "microsoft_uet", where, "[banner]", False),
            clarity=self.boolean(t, "clarity", where, "[banner]", False),
            consent_mode=self.consent_mode(t.get("consent_mode", {})),
            theme=self.theme(t.get("theme", {})),
            texts=self.texts(t.get("texts", {})),
        )

    def consent_mode(self, raw: object) -> ConsentMode:
        where: tuple[str | int, ...] = ("banner", "consent_mode")
        what = "[banner.consent_mode]"
        t = self.table(raw, where, what) or {}
        self.keys(t, _CONSENT_MODE_KEYS, where, what)
        regions: list[RegionDefault] = []
        raw_regions = t.get("regions", [])
        if not isinstance(raw_regions, list):
            self.error((*where, "regions"), f"{what}: regions must be an array of tables")
            raw_regions = []
        for i, r in enumerate(raw_regions):
            at = (*where, "regions", i)
            if not isinstance(r, dict) or set(r) != {"region", "granted"}:
                self.error(
                    at,
                    f'{what}: regions[{i}] must be a table like {{ region = ["US"], granted = ["analytics"] }}',
                )
                continue
            codes, granted = r["region"], r["granted"]
            if not _strings(codes) or not codes or not all(_region(c) for c in codes):
                self.error(
                    at,
                    f'{what}: regions[{i}].region must list ISO 3166 codes like "US" or "US-CA", not {show(codes)}',
                )
                continue
            unknown = [g for g in granted if g not in _SIGNALLED] if _strings(granted) else None
            if unknown is None or unknown:
                self.error(
                    at,
                    f"{what}: regions[{i}].granted must list categories Consent Mode has "
                    f"signals for ({', '.join(_SIGNALLED)}), not {show(granted)}",
                )
                continue
            regions.append(RegionDefault(tuple(codes), tuple(granted)))
        return ConsentMode(
            ads_data_redaction=self.boolean(t, "ads_data_redaction", where, what, False),
            url_passthrough=self.boolean(t, "url_passthrough", where, what, False),
            regions=tuple(regions),
        )

    def theme(self, raw: object) -> Theme:
        where: tuple[str | int, ...] = ("banner", "theme")
        what = "[banner.theme]"
        t = self.table(raw, where, what) or {}
        self.keys(t, _THEME_KEYS, where, what)
        colours: dict[str, str] = {}
        for key in (*COLOURS, *BUTTON_KEYS):
            value = self.string(t, key, where, what)
            if value is None:
                continue
            if not is_hex_colour(value):
                self.error((*where, key), f'{what}: {key} {value!r} is not a colour like "#1a1a1a"')
            else:
                colours[key] = value
        colours = self.equal_buttons(colours, where, what)
        font = self.string(t, "font", where, what)
        if font is not None and not is_font(font):
            self.error(
                (*where, "font"),
                f'{what}: font {font!r} must be a font-family list like "Inter, system-ui, sans-serif"',
            )
            font = None
        logo = self.string(t, "logo", where, what)
        if logo is not None and not _logo_url(logo):
            self.error(
                (*where, "logo"),
                f'{what}: logo {logo!r} must be an https:// URL or a path like "/logo.svg"',
            )
            logo = None
        theme = Theme(
            colours,
            cast(Position, self.choice(t, "position", where, what, POSITIONS, "bottom")),
            logo,
            font,
        )
        for key, message in contrast_problems(theme):
            self.error((*where, key), f"{what}: {message}")
        return theme

    def equal_buttons(
        self, colours: dict[str, str], where: tuple[str | int, ...], what: str
    ) -> dict[str, str]:
        """Accept and reject colours must be the same; then they are the button colours."""
        for part in ("background", "text"):
            accept, reject = (
                colours.pop(f"accept_{part}", None),
                colours.pop(f"reject_{part}", None),
            )
            if accept is None and reject is None:
                continue
            if (accept or "").lower() != (reject or "").lower():
                key = f"reject_{part}" if reject is not None else f"accept_{part}"
                self.error(
                    (*where, key),
                    f"{what}: accept_{part} {show(accept or '(default)')} and reject_{part} "
                    f"{show(reject or '(default)')} differ; rejecting must be as prominent as "
                    f"accepting (set button_{part} for both)",
                )
            elif f"button_{part}" not in colours:
                colours[f"button_{part}"] = cast(str, accept)
        return colours

    def texts(self, raw: object) -> dict[str, dict[str, str]]:
        where: tuple[str | int, ...] = ("banner", "texts")
        t = self.table(raw, where, "[banner.texts]") or {}
        known = tuple(locales.section(locales.REFERENCE_LANGUAGE, "banner"))
        out: dict[str, dict[str, str]] = {}
        for lang, table in t.items():
            what = f"[banner.texts.{lang}]"
            at = (*where, lang)
            if lang not in self.languages:
                hint = did_you_mean(lang, self.languages)
                self.error(
                    at,
                    f"{what}: {lang!r} is not one of [site] languages{hint} ({', '.join(self.languages)})",
                )
                continue
            body = self.table(table, at, what)
            if body is None:
                continue
            self.keys(body, known, at, what)
            texts: dict[str, str] = {}
            for key, value in body.items():
                if key not in known:
                    continue
                if key == "reject_all" and (not isinstance(value, str) or not _visible(value)):
                    self.error(
                        (*at, key),
                        f"{what}: reject_all {show(value)} leaves the reject button without a "
                        "label; it must be as easy to see and read as accept_all",
                    )
                    continue
                text = self.string(body, key, at, what)
                if text is not None:
                    texts[key] = text
            out[lang] = texts
        return out


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _region(code: str) -> bool:
    country, _, sub = code.partition("-")
    return (
        len(country) == 2
        and country.isascii()
        and country.isupper()
        and (not sub or (sub.isascii() and sub.isalnum() and sub.upper() == sub and len(sub) <= 3))
    )


def _visible(text: str) -> bool:
    """True when ``text`` has a character a person can see (not only spaces or zero-widths)."""
    return any(
        c.isprintable() and not c.isspace() and c not in "\u200b\u200c\u200d\u2060\ufeff"
        for c in text
    )


def _logo_url(value: str) -> bool:
    # The package's URL rule, narrowed for a CSS url(): https or a root path, no quotes or parens.
    if url_problem(value, relative=True) is not None or any(c in value for c in "'()"):
        return False
    return value.startswith(("https://", "/"))
