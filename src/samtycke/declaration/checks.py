"""Generic checks for the declaration loader: types, keys, texts, expiry.

Each check records a :class:`Problem` (with the line of the key) and returns a
usable value or ``None``, so one pass reports every problem in the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from difflib import get_close_matches
from typing import Any, cast

from samtycke import locales
from samtycke.declaration.expiry import Expiry, ExpiryGrammarError, parse_expiry
from samtycke.declaration.lines import LineMap
from samtycke.declaration.models import LocalText, Service
from samtycke.declaration.urls import url_problem
from samtycke.errors import Problem


class Checks:
    """Collects problems while reading values; subclassed by the loader's validator."""

    def __init__(self, filename: str, lines: LineMap) -> None:
        self.filename = filename
        self.lines = lines
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("en",)
        # Declared but invalid: their own error is the one message about them,
        # so a reference to one is not reported again.
        self.invalid_services: set[str] = set()
        self.mistyped_categories: set[str] = set()
        self.fallback: dict[str, tuple[str, ...]] = {}  # [site] fallback, once read

    # -- reporting ---------------------------------------------------------
    def error(self, path: Sequence[str | int], message: str) -> None:
        self.problems.append(Problem(self.filename, self.lines.line(*path), message))

    def warn(self, path: Sequence[str | int], message: str) -> None:
        self.problems.append(Problem(self.filename, self.lines.line(*path), message, "warning"))

    # -- generic checks ----------------------------------------------------
    def table(self, value: object, path: Sequence[str | int], what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"{what} must be a table, not {kind(value)}")
            return None
        return value

    def keys(
        self, table: Mapping[str, Any], allowed: Sequence[str], path: Sequence[str | int], what: str
    ) -> None:
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.error((*path, key), f"{what}: unknown key {key!r}{hint}")

    def required(
        self, table: Mapping[str, Any], keys: Sequence[str], path: Sequence[str | int], what: str
    ) -> None:
        for key in keys:
            if key not in table:
                self.error(path, f"{what}: missing required key {key!r}")

    def string(
        self, table: Mapping[str, Any], key: str, path: Sequence[str | int], what: str
    ) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error((*path, key), f"{what}: {key} must be a non-empty string, not {show(value)}")
            return None
        return value.strip()

    def url(
        self,
        table: Mapping[str, Any],
        key: str,
        path: Sequence[str | int],
        what: str,
        *,
        relative: bool = False,
    ) -> str | None:
        value = self.string(table, key, path, what)
        problem = None if value is None else url_problem(value, relative=relative)
        if problem is not None:
            allowed = "an http(s) URL or a path" if relative else "an http(s) URL"
            self.error((*path, key), f"{what}: {key} {value!r} is not {allowed} ({problem})")
            return None
        return value

    def integer(
        self,
        table: Mapping[str, Any],
        key: str,
        path: Sequence[str | int],
        what: str,
        default: int,
        minimum: int,
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error((*path, key), f"{what}: {key} must be a whole number, not {show(value)}")
            return default
        if value < minimum:
            self.error((*path, key), f"{what}: {key} = {value} is below the minimum {minimum}")
            return default
        return value

    def boolean(
        self,
        table: Mapping[str, Any],
        key: str,
        path: Sequence[str | int],
        what: str,
        default: bool,
    ) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.error((*path, key), f"{what}: {key} must be true or false, not {show(value)}")
            return default
        return value

    def choice(
        self,
        table: Mapping[str, Any],
        key: str,
        path: Sequence[str | int],
        what: str,
        options: Sequence[str],
        default: str,
    ) -> str:
        value = table.get(key, default)
        if value not in options:
            opts = ", ".join(f'"{o}"' for o in options)
            hint = did_you_mean(value, options) if isinstance(value, str) else ""
            self.error((*path, key), f"{what}: {key} = {show(value)} is not one of {opts}{hint}")
            return default
        return cast(str, value)

    def local_text(
        self,
        table: Mapping[str, Any],
        key: str,
        path: Sequence[str | int],
        what: str,
        *,
        required: bool,
    ) -> LocalText | None:
        """A text given as a string (default language) or a table of languages."""
        value = table.get(key)
        default = self.languages[0]
        if value is None:
            if required:
                self.error(
                    path,
                    f'{what}: missing required key {key!r} (a text, or a table like {{ {default} = "…" }})',
                )
            return None
        if isinstance(value, str):
            value = {default: value}
        if not isinstance(value, dict):
            self.error(
                (*path, key),
                f"{what}: {key} must be a text or a table of languages, not {show(value)}",
            )
            return None
        texts: dict[str, str] = {}
        supported = locales.supported_languages()
        for lang, t in value.items():
            if lang not in supported:
                hint = did_you_mean(lang, supported)
                self.error(
                    (*path, key, lang),
                    f"{what}: {key} has unsupported language {lang!r}{hint} (supported: {', '.join(supported)})",
                )
            elif not isinstance(t, str) or not t.strip():
                self.error(
                    (*path, key, lang),
                    f"{what}: {key}.{lang} must be a non-empty string, not {show(t)}",
                )
            elif lang not in self.languages:
                self.warn(
                    (*path, key, lang),
                    f"{what}: {key}.{lang} is in a language the site does not declare (add {lang!r} to [site] languages or remove it)",
                )
            else:
                texts[lang] = t.strip()
        if default not in texts:
            if required and not any(
                p.line == self.lines.line(*path, key) and p.severity == "error"
                for p in self.problems
            ):
                self.error(
                    (*path, key),
                    f"{what}: {key} has no text in the default language {default!r} (the first of [site] languages)",
                )
        else:
            found = LocalText(texts, default, self.fallback)
            missing = [lang for lang in self.languages[1:] if lang not in texts]
            if missing and required:
                by_source: dict[str, list[str]] = {}
                for lang in missing:
                    by_source.setdefault(found.source(lang), []).append(lang)
                shown = "; ".join(
                    f"{key} has no text in {', '.join(langs)}; the {src!r} text is shown instead"
                    for src, langs in by_source.items()
                )
                self.warn((*path, key), f"{what}: {shown}")
        return LocalText(texts, default, self.fallback)

    def expiry(
        self, table: Mapping[str, Any], path: Sequence[str | int], what: str, *, required: bool
    ) -> Expiry | None:
        value = table.get("expires")
        if value is None:
            if required:
                self.error(
                    path,
                    f'{what}: missing required key \'expires\' ("session", "persistent" or e.g. "30 days")',
                )
            return None
        if not isinstance(value, str):
            self.error(
                (*path, "expires"),
                f'{what}: expires must be a string like "30 days", not {show(value)}',
            )
            return None
        try:
            return parse_expiry(value)
        except ExpiryGrammarError as exc:
            self.error((*path, "expires"), f"{what}: expires {value!r} is not a duration {exc}")
            return None

    def service_ref(
        self,
        table: Mapping[str, Any],
        path: Sequence[str | int],
        what: str,
        services: Mapping[str, Service],
    ) -> Service | None:
        """The service ``table["service"]`` names (None, reported, when it is unknown)."""
        sid = table.get("service")
        if sid is None:
            return None
        if isinstance(sid, str) and sid in services:
            return services[sid]
        if isinstance(sid, str) and sid in self.invalid_services:
            return None  # the service's own error names the cause
        hint = did_you_mean(sid, list(services)) if isinstance(sid, str) else ""
        known = (
            f" (declared services: {', '.join(services)})"
            if services
            else " (no [[services]] are declared)"
        )
        self.error((*path, "service"), f"{what}: unknown service {show(sid)}{hint}{known}")
        return None

    # -- sections ----------------------------------------------------------
    def array(self, raw: object, key: str) -> list[tuple[int, dict[str, Any]]]:
        if not isinstance(raw, list):
            self.error((key,), f"{key} must be an array of tables ([[{key}]]), not {kind(raw)}")
            return []
        out = []
        for i, item in enumerate(raw):
            t = self.table(item, (key, i), f"[[{key}]] #{i + 1}")
            if t is not None:
                out.append((i, t))
        return out


def closest(value: str, options: Sequence[str]) -> str | None:
    """The option ``value`` was most likely meant to be, if any is close."""
    found = get_close_matches(value, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(value: str, options: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or an empty string."""
    found = closest(value, options)
    return f" (did you mean {found!r}?)" if found else ""


def kind(value: object) -> str:
    names: dict[type, str] = {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, (int, float)) else kind(value)
