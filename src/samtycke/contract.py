"""The consent contract: the one typed definition of what banner, server and middleware exchange.

Six shapes cross a seam between two parts of samtycke:

- :class:`ConsentRequest` — the body the banner POSTs to ``/v1/consents``;
- :class:`ConsentResponse` — the 201 answer (with the ledger's receipt);
- :class:`History` — ``GET /v1/consents/{consent_id}``;
- :class:`BannerConfig` — what ``samtycke.js`` embeds and ``GET /v1/sites/{site}`` returns;
- :class:`ConsentCookie` — the decision kept in the ``samtycke`` cookie;
- :class:`DisplayBatch` — the banner's display counts, beaconed to
  ``/v1/sites/{site}/displays`` (aggregates only, nothing that tells people apart).

They are plain frozen dataclasses (no validation library on the hot path).
Each field's type says what JSON it holds; an ``Annotated`` :class:`Rule`
adds the constraints. The OpenAPI document (server/openapi.py) and the
TypeScript types of the banner (``banner/src/contract.ts``, written by
``python -m samtycke.contract_typescript``) are generated from these classes, so the
contract is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args

from samtycke.contract_rules import Rule

Method = Literal["accept-all", "reject-all", "custom", "withdraw", "gpc", "dnt"]
Source = Literal["banner", "settings", "api", "placeholder", "gpc", "dnt"]
SignalMode = Literal["necessary-only", "necessary-and-functional", "ignore"]
StorageKind = Literal["localStorage", "sessionStorage"]
Position = Literal["bottom", "top", "left", "right"]
Layer = Literal["banner", "settings"]

METHOD_NAMES: tuple[str, ...] = get_args(Method)
SOURCE_NAMES: tuple[str, ...] = get_args(Source)
SIGNAL_MODES: tuple[str, ...] = get_args(SignalMode)
LAYER_NAMES: tuple[str, ...] = get_args(Layer)
# A beacon carries at most this many (language, layer) counts, each at most
# MAX_DISPLAY_COUNT: one page shows its banner a handful of times, not thousands.
MAX_DISPLAY_ENTRIES = 16
MAX_DISPLAY_COUNT = 100
# How many hex digits of the fingerprint the consent cookie carries: enough to
# notice any change of the declaration, short enough for every request's Cookie.
COOKIE_FINGERPRINT_DIGITS = 12
MAX_URL = 2048
# What each privacy-signal mode leaves accepted: a signal only ever takes away.
SIGNAL_ALLOWS: dict[str, frozenset[str]] = {
    "necessary-only": frozenset({"necessary"}),
    "necessary-and-functional": frozenset({"necessary", "functional"}),
}
MAX_REFUSED_SERVICES = 64

Hex32 = Annotated[str, Rule("32 lower-case hex digits", pattern="^[0-9a-f]{32}$")]
Hex64 = Annotated[str, Rule("64 lower-case hex digits (sha256)", pattern="^[0-9a-f]{64}$")]
Slug = Annotated[str, Rule("an id of a-z, 0-9 and inner '-'", pattern="^[a-z0-9]+(-[a-z0-9]+)*$")]
Revision = Annotated[int, Rule("the declaration's revision", minimum=1)]
Texts = dict[str, str]  # language -> text


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    """``POST /v1/consents``: one decision as the banner (or any client) sends it."""

    site: Annotated[str, Rule("site id from the declaration")]
    revision: Revision
    fingerprint: Annotated[Hex64, Rule("sha256 of the declaration the person was shown")]
    language: Annotated[str, Rule("one of that declaration's languages")]
    method: Method
    choices: Annotated[dict[str, bool], Rule("every category of that declaration: true|false")]
    consent_id: Annotated[
        Hex32 | None, Rule("the person's consent id; omit on the first decision")
    ] = None
    url: Annotated[str | None, Rule("the page, absolute http(s)", max_length=MAX_URL)] = None
    decision_id: Annotated[
        Hex32 | None, Rule("made by the client per decision, the same on every retry")
    ] = None
    refused_services: Annotated[
        list[Slug],
        Rule("services refused inside accepted categories", max_items=MAX_REFUSED_SERVICES),
    ] = field(default_factory=list)
    source: Annotated[Source, Rule("where the person decided")] = "banner"


@dataclass(frozen=True, slots=True)
class ConsentResponse:
    """The 201 answer: the decision is committed to the ledger."""

    consent_id: Hex32
    record_id: Hex32
    recorded_at: Annotated[str, Rule("server time, UTC ISO 8601", format="date-time")]
    hash: Annotated[Hex64, Rule("the record's link in the hash chain")]
    receipt: Annotated[
        dict[str, Any] | None, Rule("the signed receipt the banner keeps (see docs/ledger.md)")
    ] = None


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """One decision as shown to the person it belongs to (no address, no user agent)."""

    record_id: Hex32
    consent_id: Hex32
    site: str
    recorded_at: Annotated[str, Rule("server time, UTC ISO 8601", format="date-time")]
    revision: Revision
    fingerprint: Hex64
    language: str
    method: Method
    choices: dict[str, bool]
    hash: Hex64
    url: str | None = None
    decision_id: Annotated[Hex32 | None, Rule("the client's id for this decision")] = None
    refused_services: Annotated[
        list[Slug] | None, Rule("services refused inside accepted categories; null before format 2")
    ] = None
    source: Annotated[Source | None, Rule("where the person decided; null before format 2")] = None
    format: Annotated[int | None, Rule("the record's canonical format (docs/ledger.md)")] = None


@dataclass(frozen=True, slots=True)
class History:
    """``GET /v1/consents/{consent_id}``: every decision under one consent id, oldest first."""

    consent_id: Hex32
    decisions: list[HistoryRecord]


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """A service in the banner's settings layer."""

    id: Slug
    name: str
    provider: str


@dataclass(frozen=True, slots=True)
class CookieInfo:
    """A cookie the banner lists (and deletes when its category is refused)."""

    name: str
    domain: str
    service: Slug | None
    provider: Annotated[str, Rule("the service's provider, else the site's controller")]
    third_party: Annotated[bool, Rule("set on a domain that is not the site's")]
    expires: Texts
    purpose: Annotated[Texts | None, Rule("left out of samtycke.js unless built with purposes")] = (
        None
    )


@dataclass(frozen=True, slots=True)
class StorageInfo:
    """A localStorage/sessionStorage key the banner removes when refused."""

    name: str
    kind: StorageKind
    service: Slug | None


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """A category with everything the settings layer shows of it."""

    id: Slug
    refusable: bool
    label: Texts
    name: Annotated[Texts, Rule("the label as written inside a sentence")]
    description: Texts
    services: list[ServiceInfo]
    cookies: list[CookieInfo]
    storage: list[StorageInfo]


@dataclass(frozen=True, slots=True)
class RegionDefault:
    """Consent Mode defaults for some regions (ISO 3166 codes)."""

    region: list[str]
    granted: Annotated[list[str], Rule("the Consent Mode types granted there by default")]


@dataclass(frozen=True, slots=True)
class ConsentModeConfig:
    """Google Consent Mode v2 settings beyond on/off."""

    regions: list[RegionDefault]
    ads_data_redaction: bool
    url_passthrough: bool


@dataclass(frozen=True, slots=True)
class Theme:
    """The site's brand: CSS custom properties, position and logo."""

    vars: Annotated[dict[str, str], Rule("CSS custom properties --stk-<name> of banner.css")]
    position: Position
    logo: str | None


@dataclass(frozen=True, slots=True)
class BannerConfig:
    """The banner config: embedded in ``samtycke.js``, served at ``GET /v1/sites/{site}``."""

    site: Slug
    name: str
    revision: Revision
    fingerprint: Hex64
    consent_days: Annotated[int, Rule("ask again after this many days", minimum=1)]
    languages: list[str]
    domains: list[str]
    do_not_track: SignalMode
    global_privacy_control: SignalMode
    google_consent_mode: bool
    consent_mode: ConsentModeConfig
    uet: Annotated[bool, Rule("Microsoft UET consent mode (ad_storage from marketing)")]
    clarity: Annotated[bool, Rule("Microsoft Clarity consent (from analytics and marketing)")]
    theme: Theme
    wait_for_update: int
    settings_button: bool
    endpoint: Annotated[str | None, Rule("where decisions are POSTed; null: static mode")]
    policy_url: str | None
    categories: list[CategoryInfo]
    texts: Annotated[dict[str, Texts], Rule("language -> key -> text")]
    gpc: Annotated[
        bool | None, Rule("the server saw Sec-GPC: 1 on the request for this script")
    ] = None
    shared_domains: Annotated[
        list[str] | None, Rule("domains that share one decision through the consent server")
    ] = None


@dataclass(frozen=True, slots=True)
class ConsentCookie:
    """The decision in the ``samtycke`` cookie (see consent.py for the wire format)."""

    id: Hex32
    revision: Revision
    fingerprint: Annotated[
        str | None,
        Rule(
            f"the first {COOKIE_FINGERPRINT_DIGITS} hex digits of the declaration's "
            "fingerprint; null in a format-1 cookie"
        ),
    ]
    timestamp: Annotated[int, Rule("when the person answered, seconds since 1970", minimum=0)]
    method: Method
    categories: list[Slug]
    refused_services: list[Slug]


@dataclass(frozen=True, slots=True)
class DisplayCount:
    """How often one layer was shown in one language since the page's last beacon."""

    language: Annotated[str, Rule("one of the site's languages")]
    layer: Annotated[Layer, Rule("banner: the first layer; settings: the settings layer")]
    count: Annotated[
        int, Rule("displays since the last beacon", minimum=1, maximum=MAX_DISPLAY_COUNT)
    ]


@dataclass(frozen=True, slots=True)
class DisplayBatch:
    """``POST /v1/sites/{site}/displays``: banner displays, summed, naming nobody.

    No id, no address, no URL: the server adds the counts to per-day totals
    (its own UTC day) and keeps nothing else of the request.
    """

    displays: Annotated[
        list[DisplayCount], Rule("one entry per language and layer", max_items=MAX_DISPLAY_ENTRIES)
    ]


MODELS: tuple[type, ...] = (
    ConsentRequest,
    ConsentResponse,
    HistoryRecord,
    History,
    ServiceInfo,
    CookieInfo,
    StorageInfo,
    CategoryInfo,
    RegionDefault,
    ConsentModeConfig,
    Theme,
    BannerConfig,
    ConsentCookie,
    DisplayCount,
    DisplayBatch,
)

TS_ALIASES: dict[str, Any] = {
    "Method": Method,
    "Source": Source,
    "SignalMode": SignalMode,
    "StorageKind": StorageKind,
    "Position": Position,
    "Layer": Layer,
}
