"""Load ``samtycke.toml`` into a :class:`Declaration`, reporting every problem at once."""

from __future__ import annotations

import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from samtycke import ids, locales
from samtycke.declaration.checks import did_you_mean, show
from samtycke.declaration.email import EmailChecks
from samtycke.declaration.external import ExternalChecks
from samtycke.declaration.justify import needs_justification
from samtycke.declaration.lines import locate
from samtycke.declaration.models import (
    BUILTIN_CATEGORIES,
    Category,
    Cookie,
    Declaration,
    LocalText,
    Service,
    Site,
    Storage,
    StorageKind,
    normalize_domain,
)
from samtycke.declaration.monitor import MonitorChecks
from samtycke.declaration.patterns import PatternError, check_name
from samtycke.declaration.shared import SharedConsentChecks
from samtycke.declaration.site import SiteChecks
from samtycke.errors import DeclarationError, DeclarationFileError, Problem

_STORAGE_KINDS = ("localStorage", "sessionStorage")

MAX_DECLARATION_BYTES = 4 * 1024 * 1024
_TOP_KEYS = (
    "site",
    "banner",
    "categories",
    "services",
    "cookies",
    "storage",
    "email",
    "external_pages",
    "shared_consent",
    "monitor",
)
_CATEGORY_KEYS = ("label", "description", "refusable")
_SERVICE_KEYS = ("id", "name", "provider", "category", "privacy_policy", "purpose")
_COOKIE_KEYS = (
    "name",
    "service",
    "category",
    "domain",
    "expires",
    "purpose",
    "justification",
    "review",
)
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
        text = read_text_file(p, MAX_DECLARATION_BYTES)
    except FileNotFoundError:
        raise DeclarationFileError(
            f"{p}: no such file (give the path of a samtycke.toml)"
        ) from None
    except IsADirectoryError:
        raise DeclarationFileError(f"{p}: is a directory, not a declaration file") from None
    except PermissionError:
        raise DeclarationFileError(
            f"{p}: permission denied (check the file's permissions)"
        ) from None
    except UnicodeDecodeError as exc:
        raise DeclarationFileError(
            f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise DeclarationFileError(f"{p}: cannot be read ({exc.strerror})") from None
    return parse_declaration(text, str(p), path=p)


def read_text_file(path: Path, limit: int) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    Raises DeclarationFileError for anything else: a FIFO or device would block
    or never end (``/dev/zero``), and a huge file would exhaust memory.
    """
    st = path.stat()  # FileNotFoundError / PermissionError go to the caller
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(st.st_mode):
        raise DeclarationFileError(f"{path}: not a regular file (a pipe or device); give a file")
    with path.open("rb") as fh:
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise DeclarationFileError(
            f"{path}: larger than {limit // (1024 * 1024)} MiB; a declaration is a few kilobytes"
        )
    return raw.decode("utf-8")


def parse_declaration(
    text: str, filename: str = "samtycke.toml", path: Path | None = None
) -> Declaration:
    """Validate declaration ``text``; ``filename`` is used in messages."""
    try:
        data = tomllib.loads(text)
        v = _Validator(filename, locate(text))
        decl = v.declaration(data, path)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc), text)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise DeclarationError(
            [Problem(filename, line, f"TOML syntax: {msg}{_toml_key_note(text, line, msg)}")]
        ) from None
    except RecursionError:
        # Thousands of nested arrays or inline tables: no declaration needs more than a few.
        msg = "TOML nested too deep (arrays or inline tables inside each other thousands of times)"
        raise DeclarationError([Problem(filename, 1, msg)]) from None
    errors = [p for p in v.problems if p.severity == "error"]
    if errors or decl is None:
        raise DeclarationError(sorted(v.problems, key=lambda p: (p.line, p.severity)))
    return decl


def _toml_error_line(message: str, text: str) -> int:
    m = re.search(r"line (\d+)", message)
    if m:
        return int(m.group(1))
    # "at end of document": the last line that holds anything is where it broke.
    filled = [i for i, ln in enumerate(text.splitlines(), 1) if ln.strip()]
    return filled[-1] if filled else 1


_KEY_AT = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_TABLE_AT = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")


def _toml_key_note(text: str, line: int, message: str) -> str:
    """Which key or table the TOML error is about, when the message does not say."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines) or message.startswith("Cannot declare"):
        return ""  # out of range, or the message names the table itself
    source = lines[line - 1]
    key = _KEY_AT.match(source)
    if key:
        if "overwrite" in message.lower():
            return f": key {key.group(1)!r} (or the key it extends) is already set in this table"
        return f" (in the value of key {key.group(1)!r})"
    table = _TABLE_AT.match(source)
    return f" (in the header [{table.group(1)}])" if table else ""


class _Validator(SiteChecks, EmailChecks, ExternalChecks, SharedConsentChecks, MonitorChecks):
    """Walks the parsed TOML section by section, collecting problems instead of stopping."""

    def declaration(self, data: dict[str, Any], path: Path | None) -> Declaration | None:
        self.keys(data, _TOP_KEYS, (), "declaration")
        site = self.site(data.get("site"))
        banner = self.banner(data.get("banner", {}))
        categories = self.categories(data.get("categories", {}))
        services = self.services(data.get("services", []), categories)
        cookies = self.cookies(data.get("cookies", []), categories, services, site)
        storage = self.storages(data.get("storage", []), categories, services)
        email = self.email(data.get("email"))
        external = self.external_pages(data.get("external_pages", []), services, cookies)
        monitor = self.monitor(data.get("monitor"), site)
        if site is None or banner is None:
            return None
        shared = self.shared_consent(data.get("shared_consent"), site.domains)
        used = (
            {"necessary"}
            | {c.category for c in cookies}
            | {s.category for s in storage}
            | {s.category for s in services.values()}
        )
        shown = [
            c for c in categories.values() if c.id in used or c.id in data.get("categories", {})
        ]
        order = {cid: i for i, cid in enumerate(BUILTIN_CATEGORIES)}
        shown.sort(key=lambda c: order.get(c.id, len(order)))
        warnings = tuple(p for p in self.problems if p.severity == "warning")
        return Declaration(
            site,
            tuple(shown),
            tuple(services.values()),
            tuple(cookies),
            tuple(storage),
            banner,
            path,
            warnings,
            email,
            external,
            shared,
            monitor,
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
            if not ids.is_slug(cid):
                self.error(where, f"[categories.{cid}]: the id must be a slug of a-z, 0-9 and '-'")
                continue
            hint = did_you_mean(cid, BUILTIN_CATEGORIES)
            if hint:
                # A near-miss of a built-in is a typo far more often than a new category.
                self.error(
                    where,
                    f"[categories.{cid}]: unknown category{hint} "
                    "(a category of your own needs an id unlike the built-in ones)",
                )
                self.mistyped_categories.add(cid)
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
            self.error(
                (*where, "refusable"),
                "[categories.necessary]: necessary cookies cannot be refusable (move cookies a person may refuse to another category)",
            )
        elif cid != "necessary" and not refusable:
            self.error(
                (*where, "refusable"),
                f"{what}: only 'necessary' can be non-refusable (declare such cookies as necessary, or leave refusable out)",
            )
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
            if sid is not None and not ids.is_slug(sid):
                self.error(
                    (*where, "id"),
                    f"{what}: id must be a slug of a-z, 0-9 and '-' (e.g. \"google-analytics\")",
                )
            if sid in out:
                self.error(
                    (*where, "id"), f"{what}: declared twice (first at line {out[sid].line})"
                )
                continue
            category = self.category_ref(t, where, what, categories)
            if sid is not None and category is None:
                self.invalid_services.add(sid)  # reported here, not again on each cookie
            name = self.string(t, "name", where, what)
            provider = self.string(t, "provider", where, what)
            privacy = self.url(t, "privacy_policy", where, what)
            purpose = self.local_text(t, "purpose", where, what, required=False)
            if sid and name and provider and category:
                out[sid] = Service(
                    sid, name, provider, category, privacy, purpose, self.lines.line(*where)
                )
        return out

    def cookies(
        self,
        raw: object,
        categories: Mapping[str, Category],
        services: Mapping[str, Service],
        site: Site | None,
    ) -> list[Cookie]:
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
            if domain is not None and not ids.is_site_domain(domain.lower()):
                self.error(
                    (*where, "domain"),
                    f'{what}: domain {domain!r} is not a host name like "example.com" or ".example.com"',
                )
                domain = None
            domain = normalize_domain(domain) if domain else default_domain
            expires = self.expiry(t, where, what, required=True)
            purpose = self.local_text(t, "purpose", where, what, required=True)
            justification = self.local_text(t, "justification", where, what, required=False)
            review = self.boolean(t, "review", where, what, False)
            if review:
                self.warn(
                    (*where, "review"),
                    f"{what}: marked for review: check its category, purpose and expiry, then "
                    "remove `review = true` (policy and build refuse to publish it until then)",
                )
            if name is not None:
                key = (name, domain)
                if key in seen:
                    self.error(
                        where,
                        f"{what}: declared twice for domain {domain!r} (first at line {seen[key]})",
                    )
                    continue
                seen[key] = self.lines.line(*where)
            if name and category and expires and purpose:
                cookie = Cookie(
                    name,
                    category,
                    domain,
                    expires,
                    purpose,
                    service,
                    self.lines.line(*where),
                    justification,
                    review=review,
                )
                why = needs_justification(cookie, services, site) if site else None
                if why:
                    self.warn(
                        where,
                        f"{what}: a necessary cookie needs a justification, as {why} "
                        '(add justification = { en = "why the service cannot work without it" })',
                    )
                out.append(cookie)
        return out

    def storages(
        self, raw: object, categories: Mapping[str, Category], services: Mapping[str, Service]
    ) -> list[Storage]:
        out: list[Storage] = []
        seen: dict[tuple[str, str], int] = {}
        for i, t in self.array(raw, "storage"):
            where: tuple[str | int, ...] = ("storage", i)
            name = self.name(t, where, "storage key")
            what = f"storage key {name!r}" if name else f"storage #{i + 1}"
            self.keys(t, _STORAGE_KEYS, where, what)
            self.required(t, ("kind",), where, what)
            kind = (
                self.choice(t, "kind", where, what, _STORAGE_KINDS, "localStorage")
                if "kind" in t
                else None
            )
            service, category = self.service_and_category(t, where, what, categories, services)
            expires = self.expiry(t, where, what, required=False)
            purpose = self.local_text(t, "purpose", where, what, required=True)
            if name is not None and kind is not None:
                key = (name, kind)
                if key in seen:
                    self.error(
                        where, f"{what}: declared twice in {kind} (first at line {seen[key]})"
                    )
                    continue
                seen[key] = self.lines.line(*where)
            if name and kind and category and purpose:
                out.append(
                    Storage(
                        name,
                        cast(StorageKind, kind),
                        category,
                        purpose,
                        service,
                        expires,
                        self.lines.line(*where),
                    )
                )
        return out

    # -- shared pieces of cookies, storage and services ----------------------
    def name(self, t: Mapping[str, Any], where: tuple[str | int, ...], what: str) -> str | None:
        if "name" not in t:
            self.error(where, f"{what}: missing required key 'name'")
            return None
        name = t["name"]
        if not isinstance(name, str):
            self.error((*where, "name"), f"{what}: name must be a string, not {show(name)}")
            return None
        try:
            check_name(name)
        except PatternError as exc:
            self.error((*where, "name"), f"{what} {name!r}: invalid name or pattern: it {exc}")
            return None
        return name

    def category_ref(
        self,
        t: Mapping[str, Any],
        where: tuple[str | int, ...],
        what: str,
        categories: Mapping[str, Category],
    ) -> str | None:
        cid = t.get("category")
        if cid is None:
            return None
        if isinstance(cid, str) and cid in self.mistyped_categories:
            return None  # the [categories.…] table's error names the cause
        if not isinstance(cid, str) or cid not in categories:
            hint = did_you_mean(cid, list(categories)) if isinstance(cid, str) else ""
            self.error(
                (*where, "category"),
                f"{what}: unknown category {show(cid)}{hint} (known: {', '.join(categories)})",
            )
            return None
        return cid

    def service_and_category(
        self,
        t: Mapping[str, Any],
        where: tuple[str | int, ...],
        what: str,
        categories: Mapping[str, Category],
        services: Mapping[str, Service],
    ) -> tuple[str | None, str | None]:
        service = self.service_ref(t, where, what, services)
        category = self.category_ref(t, where, what, categories)
        if "category" in t and category is None:
            return (service.id if service else None), None
        if category is None and service is not None:
            category = service.category
        if category is None and "service" not in t:
            self.error(
                where, f'{what}: has no category (give category = "…" or a service that has one)'
            )
        return (service.id if service else None), category


def _merge_builtin(
    cid: str, field: str, given: LocalText | None, languages: Sequence[str]
) -> LocalText:
    """Built-in category texts from the locale catalog, overridden by the declaration's."""
    texts: dict[str, str] = {}
    default = languages[0] if languages else "en"
    if cid in BUILTIN_CATEGORIES:
        texts = {lang: locales.text(lang, f"category.{cid}.{field}") for lang in languages}
    if given is not None:
        texts.update(given.texts)
    return LocalText(texts, default)
