"""Load ``samtycke.toml`` into a :class:`Declaration`, reporting every problem at once."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Any, cast

from samtycke import locales
from samtycke.declaration.expiry import Expiry, ExpiryGrammarError, parse_expiry
from samtycke.declaration.lines import LineMap, locate
from samtycke.declaration.models import (
    BUILTIN_CATEGORIES,
    Banner,
    Category,
    Cookie,
    Declaration,
    LocalText,
    Service,
    Site,
    SignalPolicy,
    Storage,
    StorageKind,
    normalize_domain,
)
from samtycke.declaration.patterns import PatternError, check_name
from samtycke.errors import DeclarationError, DeclarationFileError, Problem

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOMAIN = re.compile(r"^\.?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_SIGNAL_POLICIES = ("necessary-and-functional", "ignore")
_STORAGE_KINDS = ("localStorage", "sessionStorage")

_TOP_KEYS = ("site", "banner", "categories", "services", "cookies", "storage")
_SITE_KEYS = (
    "id", "name", "controller", "contact", "domains", "languages", "consent_days", "revision",
    "do_not_track", "global_privacy_control", "google_consent_mode", "updated", "policy_url",
    "privacy_policy",
)  # fmt: skip
_SITE_REQUIRED = ("id", "name", "controller", "contact", "domains", "languages")
_BANNER_KEYS = ("endpoint", "settings_button", "wait_for_update")
_CATEGORY_KEYS = ("label", "description", "refusable")
_SERVICE_KEYS = ("id", "name", "provider", "category", "privacy_policy", "purpose")
_COOKIE_KEYS = ("name", "service", "category", "domain", "expires", "purpose")
_STORAGE_KEYS = ("name", "kind", "service", "category", "purpose", "expires")


def load_declaration(path: str | Path) -> Declaration:
    """Read and validate a declaration file.

    Raises :class:`DeclarationFileError` when the file cannot be read and
    :class:`DeclarationError` (with every problem) when it is invalid. Warnings
    of a valid file are in ``Declaration.warnings``.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "samtycke.toml"
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DeclarationFileError(f"{p}: no such file (give the path of a samtycke.toml)") from None
    except IsADirectoryError:
        raise DeclarationFileError(f"{p}: is a directory, not a declaration file") from None
    except PermissionError:
        raise DeclarationFileError(f"{p}: permission denied (check the file's permissions)") from None
    except UnicodeDecodeError as exc:
        raise DeclarationFileError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise DeclarationFileError(f"{p}: cannot be read ({exc.strerror})") from None
    return parse_declaration(text, str(p), path=p)


def parse_declaration(text: str, filename: str = "samtycke.toml", path: Path | None = None) -> Declaration:
    """Validate declaration ``text``; ``filename`` is used in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise DeclarationError([Problem(filename, line, f"TOML syntax: {msg}")]) from None
    v = _Validator(filename, locate(text))
    decl = v.declaration(data, path)
    errors = [p for p in v.problems if p.severity == "error"]
    if errors or decl is None:
        raise DeclarationError(sorted(v.problems, key=lambda p: (p.line, p.severity)))
    return decl


def _toml_error_line(message: str) -> int:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else 1


class _Validator:
    """Walks the parsed TOML, collecting problems instead of stopping at the first."""

    def __init__(self, filename: str, lines: LineMap) -> None:
        self.filename = filename
        self.lines = lines
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("en",)

    # -- reporting ---------------------------------------------------------
    def error(self, path: Sequence[str | int], message: str) -> None:
        self.problems.append(Problem(self.filename, self.lines.line(*path), message))

    def warn(self, path: Sequence[str | int], message: str) -> None:
        self.problems.append(Problem(self.filename, self.lines.line(*path), message, "warning"))

    # -- generic checks ----------------------------------------------------
    def table(self, value: object, path: Sequence[str | int], what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"{what} must be a table, not {_kind(value)}")
            return None
        return value

    def keys(self, table: Mapping[str, Any], allowed: Sequence[str], path: Sequence[str | int], what: str) -> None:
        for key in table:
            if key not in allowed:
                hint = _did_you_mean(key, allowed)
                self.error((*path, key), f"{what}: unknown key {key!r}{hint}")

    def required(self, table: Mapping[str, Any], keys: Sequence[str], path: Sequence[str | int], what: str) -> None:
        for key in keys:
            if key not in table:
                self.error(path, f"{what}: missing required key {key!r}")

    def string(self, table: Mapping[str, Any], key: str, path: Sequence[str | int], what: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error((*path, key), f"{what}: {key} must be a non-empty string, not {_show(value)}")
            return None
        return value.strip()

    def integer(self, table: Mapping[str, Any], key: str, path: Sequence[str | int], what: str, default: int, minimum: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error((*path, key), f"{what}: {key} must be a whole number, not {_show(value)}")
            return default
        if value < minimum:
            self.error((*path, key), f"{what}: {key} = {value} is below the minimum {minimum}")
            return default
        return value

    def boolean(self, table: Mapping[str, Any], key: str, path: Sequence[str | int], what: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.error((*path, key), f"{what}: {key} must be true or false, not {_show(value)}")
            return default
        return value

    def choice(self, table: Mapping[str, Any], key: str, path: Sequence[str | int], what: str, options: Sequence[str], default: str) -> str:
        value = table.get(key, default)
        if value not in options:
            opts = ", ".join(f'"{o}"' for o in options)
            hint = _did_you_mean(value, options) if isinstance(value, str) else ""
            self.error((*path, key), f"{what}: {key} = {_show(value)} is not one of {opts}{hint}")
            return default
        return cast(str, value)

    def local_text(self, table: Mapping[str, Any], key: str, path: Sequence[str | int], what: str, *, required: bool) -> LocalText | None:
        """A text given as a string (default language) or a table of languages."""
        value = table.get(key)
        default = self.languages[0]
        if value is None:
            if required:
                self.error(path, f"{what}: missing required key {key!r} (a text, or a table like {{ {default} = \"…\" }})")
            return None
        if isinstance(value, str):
            value = {default: value}
        if not isinstance(value, dict):
            self.error((*path, key), f"{what}: {key} must be a text or a table of languages, not {_show(value)}")
            return None
        texts: dict[str, str] = {}
        supported = locales.supported_languages()
        for lang, t in value.items():
            if lang not in supported:
                hint = _did_you_mean(lang, supported)
                self.error((*path, key, lang), f"{what}: {key} has unsupported language {lang!r}{hint} (supported: {', '.join(supported)})")
            elif not isinstance(t, str) or not t.strip():
                self.error((*path, key, lang), f"{what}: {key}.{lang} must be a non-empty string, not {_show(t)}")
            elif lang not in self.languages:
                self.warn((*path, key, lang), f"{what}: {key}.{lang} is in a language the site does not declare (add {lang!r} to [site] languages or remove it)")
            else:
                texts[lang] = t.strip()
        if default not in texts:
            if required and not any(p.line == self.lines.line(*path, key) and p.severity == "error" for p in self.problems):
                self.error((*path, key), f"{what}: {key} has no text in the default language {default!r} (the first of [site] languages)")
        else:
            missing = [lang for lang in self.languages[1:] if lang not in texts]
            if missing and required:
                self.warn((*path, key), f"{what}: {key} has no text in {', '.join(missing)}; the {default!r} text is shown instead")
        return LocalText(texts, default)

    def expiry(self, table: Mapping[str, Any], path: Sequence[str | int], what: str, *, required: bool) -> Expiry | None:
        value = table.get("expires")
        if value is None:
            if required:
                self.error(path, f'{what}: missing required key \'expires\' ("session", "persistent" or e.g. "30 days")')
            return None
        if not isinstance(value, str):
            self.error((*path, "expires"), f'{what}: expires must be a string like "30 days", not {_show(value)}')
            return None
        try:
            return parse_expiry(value)
        except ExpiryGrammarError as exc:
            self.error((*path, "expires"), f"{what}: expires {value!r} is not a duration {exc}")
            return None

    # -- sections ----------------------------------------------------------
    def declaration(self, data: dict[str, Any], path: Path | None) -> Declaration | None:
        self.keys(data, _TOP_KEYS, (), "declaration")
        site = self.site(data.get("site"))
        banner = self.banner(data.get("banner", {}))
        categories = self.categories(data.get("categories", {}))
        services = self.services(data.get("services", []), categories)
        cookies = self.cookies(data.get("cookies", []), categories, services, site)
        storage = self.storages(data.get("storage", []), categories, services)
        if site is None or banner is None:
            return None
        used = {"necessary"} | {c.category for c in cookies} | {s.category for s in storage} | {s.category for s in services.values()}
        shown = [c for c in categories.values() if c.id in used or c.id in data.get("categories", {})]
        order = {cid: i for i, cid in enumerate(BUILTIN_CATEGORIES)}
        shown.sort(key=lambda c: order.get(c.id, len(order)))
        warnings = tuple(p for p in self.problems if p.severity == "warning")
        return Declaration(site, tuple(shown), tuple(services.values()), tuple(cookies), tuple(storage), banner, path, warnings)

    def site(self, raw: object) -> Site | None:
        if raw is None:
            self.error((), "declaration: missing required table [site]")
            return None
        t = self.table(raw, ("site",), "[site]")
        if t is None:
            return None
        where = ("site",)
        self.keys(t, _SITE_KEYS, where, "[site]")
        self.required(t, _SITE_REQUIRED, where, "[site]")
        languages = self.site_languages(t)
        if languages:
            self.languages = languages
        site_id = self.string(t, "id", where, "[site]")
        if site_id is not None and not _SLUG.match(site_id):
            self.error((*where, "id"), f"[site]: id {site_id!r} must be a slug of a-z, 0-9 and '-' (e.g. \"billogram\")")
        domains = self.domain_list(t)
        updated = t.get("updated")
        if updated is not None and (not isinstance(updated, dt.date) or isinstance(updated, dt.datetime)):
            self.error((*where, "updated"), f"[site]: updated must be a date like 2026-11-01, not {_show(updated)}")
            updated = None
        values = dict(
            id=site_id,
            name=self.string(t, "name", where, "[site]"),
            controller=self.string(t, "controller", where, "[site]"),
            contact=self.string(t, "contact", where, "[site]"),
            domains=domains,
            languages=languages,
            consent_days=self.integer(t, "consent_days", where, "[site]", 90, 1),
            revision=self.integer(t, "revision", where, "[site]", 1, 1),
            do_not_track=cast(SignalPolicy, self.choice(t, "do_not_track", where, "[site]", _SIGNAL_POLICIES, "necessary-and-functional")),
            global_privacy_control=cast(SignalPolicy, self.choice(t, "global_privacy_control", where, "[site]", _SIGNAL_POLICIES, "necessary-and-functional")),
            google_consent_mode=self.boolean(t, "google_consent_mode", where, "[site]", False),
            updated=updated,
            policy_url=self.string(t, "policy_url", where, "[site]"),
            privacy_policy=self.string(t, "privacy_policy", where, "[site]"),
        )
        if any(values[k] is None or values[k] == () for k in _SITE_REQUIRED):
            return None
        return Site(**values)  # type: ignore[arg-type]

    def site_languages(self, t: Mapping[str, Any]) -> tuple[str, ...]:
        raw = t.get("languages")
        where = ("site", "languages")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            self.error(where, f'[site]: languages must be a non-empty list like ["sv", "en"], not {_show(raw)}')
            return ()
        supported = locales.supported_languages()
        out: list[str] = []
        for lang in raw:
            if lang not in supported:
                hint = _did_you_mean(lang, supported)
                self.error(where, f"[site]: unsupported language {lang!r}{hint} (supported: {', '.join(supported)}; a language is added with a locale file)")
            elif lang in out:
                self.error(where, f"[site]: language {lang!r} is listed twice")
            else:
                out.append(lang)
        return tuple(out)

    def domain_list(self, t: Mapping[str, Any]) -> tuple[str, ...]:
        raw = t.get("domains")
        where = ("site", "domains")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            self.error(where, f'[site]: domains must be a non-empty list like ["example.com"], not {_show(raw)}')
            return ()
        out = []
        for d in raw:
            if not _DOMAIN.match(d.lower()) or "." not in d:
                self.error(where, f"[site]: domain {d!r} is not a host name like \"example.com\"")
            else:
                out.append(normalize_domain(d))
        return tuple(out)

    def banner(self, raw: object) -> Banner | None:
        t = self.table(raw, ("banner",), "[banner]")
        if t is None:
            return None
        where = ("banner",)
        self.keys(t, _BANNER_KEYS, where, "[banner]")
        return Banner(
            endpoint=self.string(t, "endpoint", where, "[banner]"),
            settings_button=self.boolean(t, "settings_button", where, "[banner]", True),
            wait_for_update=self.integer(t, "wait_for_update", where, "[banner]", 500, 0),
        )

    def categories(self, raw: object) -> dict[str, Category]:
        out: dict[str, Category] = {}
        t = self.table(raw, ("categories",), "[categories]") or {}
        for cid in BUILTIN_CATEGORIES:
            out[cid] = self.category(cid, t.get(cid, {}))
        for cid, body in t.items():
            if cid in out:
                continue
            where = ("categories", cid)
            if not _SLUG.match(cid):
                self.error(where, f"[categories.{cid}]: the id must be a slug of a-z, 0-9 and '-'")
                continue
            out[cid] = self.category(cid, body)
        return out

    def category(self, cid: str, raw: object) -> Category:
        where = ("categories", cid)
        what = f"[categories.{cid}]"
        t = self.table(raw, where, what) or {}
        self.keys(t, _CATEGORY_KEYS, where, what)
        builtin = cid in BUILTIN_CATEGORIES
        label = self.local_text(t, "label", where, what, required=not builtin)
        description = self.local_text(t, "description", where, what, required=not builtin)
        refusable = self.boolean(t, "refusable", where, what, cid != "necessary")
        if cid == "necessary" and refusable:
            self.error((*where, "refusable"), "[categories.necessary]: necessary cookies cannot be refusable (move cookies a person may refuse to another category)")
        elif cid != "necessary" and not refusable:
            self.error((*where, "refusable"), f"{what}: only 'necessary' can be non-refusable (declare such cookies as necessary, or leave refusable out)")
        return Category(
            cid,
            _merge_builtin(cid, "label", label, self.languages),
            _merge_builtin(cid, "description", description, self.languages),
            cid != "necessary",
            self.lines.line(*where),
        )

    def services(self, raw: object, categories: Mapping[str, Category]) -> dict[str, Service]:
        out: dict[str, Service] = {}
        for i, t in self.array(raw, "services"):
            where: tuple[str | int, ...] = ("services", i)
            sid = self.string(t, "id", where, "service")
            what = f"service {sid!r}" if sid else f"service #{i + 1}"
            self.keys(t, _SERVICE_KEYS, where, what)
            self.required(t, ("id", "name", "provider", "category"), where, what)
            if sid is not None and not _SLUG.match(sid):
                self.error((*where, "id"), f"{what}: id must be a slug of a-z, 0-9 and '-' (e.g. \"google-analytics\")")
            if sid in out:
                self.error((*where, "id"), f"{what}: declared twice (first at line {out[sid].line})")
                continue
            category = self.category_ref(t, where, what, categories)
            name = self.string(t, "name", where, what)
            provider = self.string(t, "provider", where, what)
            privacy = self.url(t, "privacy_policy", where, what)
            purpose = self.local_text(t, "purpose", where, what, required=False)
            if sid and name and provider and category:
                out[sid] = Service(sid, name, provider, category, privacy, purpose, self.lines.line(*where))
        return out

    def cookies(self, raw: object, categories: Mapping[str, Category], services: Mapping[str, Service], site: Site | None) -> list[Cookie]:
        out: list[Cookie] = []
        seen: dict[tuple[str, str], int] = {}
        default_domain = site.domains[0] if site else "example.com"
        for i, t in self.array(raw, "cookies"):
            where: tuple[str | int, ...] = ("cookies", i)
            name = self.name(t, where, "cookie")
            what = f"cookie {name!r}" if name else f"cookie #{i + 1}"
            self.keys(t, _COOKIE_KEYS, where, what)
            service, category = self.service_and_category(t, where, what, categories, services)
            domain = self.string(t, "domain", where, what)
            if domain is not None and (not _DOMAIN.match(domain.lower()) or "." not in domain):
                self.error((*where, "domain"), f"{what}: domain {domain!r} is not a host name like \"example.com\" or \".example.com\"")
                domain = None
            domain = normalize_domain(domain) if domain else default_domain
            expires = self.expiry(t, where, what, required=True)
            purpose = self.local_text(t, "purpose", where, what, required=True)
            if name is not None:
                key = (name, domain)
                if key in seen:
                    self.error(where, f"{what}: declared twice for domain {domain!r} (first at line {seen[key]})")
                    continue
                seen[key] = self.lines.line(*where)
            if name and category and expires and purpose:
                out.append(Cookie(name, category, domain, expires, purpose, service, self.lines.line(*where)))
        return out

    def storages(self, raw: object, categories: Mapping[str, Category], services: Mapping[str, Service]) -> list[Storage]:
        out: list[Storage] = []
        seen: dict[tuple[str, str], int] = {}
        for i, t in self.array(raw, "storage"):
            where: tuple[str | int, ...] = ("storage", i)
            name = self.name(t, where, "storage key")
            what = f"storage key {name!r}" if name else f"storage #{i + 1}"
            self.keys(t, _STORAGE_KEYS, where, what)
            self.required(t, ("kind",), where, what)
            kind = self.choice(t, "kind", where, what, _STORAGE_KINDS, "localStorage") if "kind" in t else None
            service, category = self.service_and_category(t, where, what, categories, services)
            expires = self.expiry(t, where, what, required=False)
            purpose = self.local_text(t, "purpose", where, what, required=True)
            if name is not None and kind is not None:
                key = (name, kind)
                if key in seen:
                    self.error(where, f"{what}: declared twice in {kind} (first at line {seen[key]})")
                    continue
                seen[key] = self.lines.line(*where)
            if name and kind and category and purpose:
                out.append(Storage(name, cast(StorageKind, kind), category, purpose, service, expires, self.lines.line(*where)))
        return out

    # -- shared pieces of cookies, storage and services ----------------------
    def array(self, raw: object, key: str) -> list[tuple[int, dict[str, Any]]]:
        if not isinstance(raw, list):
            self.error((key,), f"{key} must be an array of tables ([[{key}]]), not {_kind(raw)}")
            return []
        out = []
        for i, item in enumerate(raw):
            t = self.table(item, (key, i), f"[[{key}]] #{i + 1}")
            if t is not None:
                out.append((i, t))
        return out

    def name(self, t: Mapping[str, Any], where: tuple[str | int, ...], what: str) -> str | None:
        if "name" not in t:
            self.error(where, f"{what}: missing required key 'name'")
            return None
        name = t["name"]
        if not isinstance(name, str):
            self.error((*where, "name"), f"{what}: name must be a string, not {_show(name)}")
            return None
        try:
            check_name(name)
        except PatternError as exc:
            self.error((*where, "name"), f"{what} {name!r}: invalid name or pattern: it {exc}")
            return None
        return name

    def category_ref(self, t: Mapping[str, Any], where: tuple[str | int, ...], what: str, categories: Mapping[str, Category]) -> str | None:
        cid = t.get("category")
        if cid is None:
            return None
        if not isinstance(cid, str) or cid not in categories:
            hint = _did_you_mean(cid, list(categories)) if isinstance(cid, str) else ""
            self.error((*where, "category"), f"{what}: unknown category {_show(cid)}{hint} (known: {', '.join(categories)})")
            return None
        return cid

    def service_and_category(self, t: Mapping[str, Any], where: tuple[str | int, ...], what: str, categories: Mapping[str, Category], services: Mapping[str, Service]) -> tuple[str | None, str | None]:
        sid = t.get("service")
        service: Service | None = None
        if sid is not None:
            if not isinstance(sid, str) or sid not in services:
                hint = _did_you_mean(sid, list(services)) if isinstance(sid, str) else ""
                known = f" (declared services: {', '.join(services)})" if services else " (no [[services]] are declared)"
                self.error((*where, "service"), f"{what}: unknown service {_show(sid)}{hint}{known}")
            else:
                service = services[sid]
        category = self.category_ref(t, where, what, categories)
        if "category" in t and category is None:
            return (service.id if service else None), None
        if category is None and service is not None:
            category = service.category
        if category is None and "service" not in t:
            self.error(where, f"{what}: has no category (give category = \"…\" or a service that has one)")
        return (service.id if service else None), category

    def url(self, t: Mapping[str, Any], key: str, where: tuple[str | int, ...], what: str) -> str | None:
        value = self.string(t, key, where, what)
        if value is not None and not re.match(r"^https?://[^\s<>\"]+$", value):
            self.error((*where, key), f"{what}: {key} {value!r} is not an http(s) URL")
            return None
        return value


def _merge_builtin(cid: str, field: str, given: LocalText | None, languages: Sequence[str]) -> LocalText:
    """Built-in category texts from the locale catalog, overridden by the declaration's."""
    texts: dict[str, str] = {}
    default = languages[0] if languages else "en"
    if cid in BUILTIN_CATEGORIES:
        texts = {lang: locales.text(lang, f"category.{cid}.{field}") for lang in languages}
    if given is not None:
        texts.update(given.texts)
    return LocalText(texts, default)


def _did_you_mean(value: str, options: Sequence[str]) -> str:
    found = get_close_matches(value, list(options), n=1, cutoff=0.6)
    return f" (did you mean {found[0]!r}?)" if found else ""


def _kind(value: object) -> str:
    names: dict[type, str] = {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, (int, float)) else _kind(value)


