// samtycke.js: reads the site config, keeps the consent cookie, gates content, shows the layers.
import type { SamtyckeApi, SamtyckeConsent, SamtyckeMethod } from "../samtycke.d";
import * as C from "./cookie";
import { $$, h } from "./dom";
import { type Core, plug } from "./addon";
import { placeholder } from "./embed";
import { frames, ran, runScripts } from "./gate";
import type { Source } from "./contract";
import { hold, keepClear } from "./layout";
import { receipt } from "./receipt";
import type { Config } from "./types";
import { theme } from "./theme";
import { type Draft, Ui } from "./ui";

declare const __CSS__: string;
type View = "" | "banner" | "settings" | "notice";

const cfg: Config = (window as unknown as { samtyckeConfig: Config }).samtyckeConfig;
const me = document.currentScript as HTMLScriptElement | null;
const nonce = me?.nonce || undefined;
const here = (url: string) =>
  new URL(url.replace("{lang}", ui.lang), me?.src || location.href).href;
const now = () => Math.floor(Date.now() / 1000);
const ids = cfg.categories.map((c) => c.id);
const hex32 = () =>
  [...crypto.getRandomValues(new Uint8Array(16))]
    .map((b) => (b + 256).toString(16).slice(1))
    .join("");
// A new visitor's consent id, drawn at load: the first call into crypto costs more than the click.
const spareId = hex32();

function pickLanguage(): string {
  for (const want of [document.documentElement.lang, ...navigator.languages]) {
    const l = (want || "").toLowerCase().split("-")[0];
    const code = l == "no" || l == "nn" ? "nb" : l;
    if (cfg.languages.includes(code)) return code;
  }
  return cfg.languages[0];
}

function signal(): SamtyckeMethod | null {
  // cfg.gpc: the server that served this script saw Sec-GPC: 1 (the browser may not expose it).
  const gpc =
    (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true ||
    cfg.gpc === true;
  if (gpc && cfg.global_privacy_control != "ignore") return "gpc";
  return navigator.doNotTrack == "1" && cfg.do_not_track != "ignore" ? "dnt" : null;
}

const ui = new Ui(cfg, pickLanguage());
let state: SamtyckeConsent | null = null; // the current, valid decision
let known: SamtyckeConsent | null = null; // any readable one, so a renewed decision keeps its id
let view: View = "";
let back: Element | null = null;
let draft: Draft = { cats: new Set(), refused: new Set() };
const root = document.createElement("div");
const live = document.createElement("div"); // stays put, so screen readers announce changes
const box = document.createElement("div");
let reopen: HTMLElement; // made once, so focus can come back to it
let via: Source = "api"; // where the next decision is made (the record's source); a click says which layer

const ok = (cat: string, service?: string): boolean =>
  cat == "necessary" ||
  (!!state &&
    state.categories.includes(cat) &&
    !(service && state.refusedServices.includes(service)));

const fresh = (s: SamtyckeConsent) =>
  C.current(s, cfg.revision, cfg.fingerprint, cfg.consent_days, now());

function load(): void {
  for (const s of C.read(C.NAME).map(C.decode)) {
    if (!s) continue;
    known = known || s;
    if (fresh(s)) {
      // A decision derived from a signal holds only while the browser still sends that signal.
      if (["gpc", "dnt"].includes(s.method) && s.method != signal()) return;
      return void (state = s);
    }
  }
}

function update(): void {
  for (const x of hooks) x.update?.((c) => ok(c));
}

function apply(): void {
  frames(ok, (f) => placeholder(ui, f));
  runScripts(ok, nonce);
}

function clear(): void {
  // Whatever a refused category or service stored goes: cookies on host and parents, storage keys.
  for (const cat of cfg.categories)
    for (const k of [...cat.cookies, ...cat.storage]) {
      if (ok(cat.id, k.service || undefined)) continue;
      if ("kind" in k) {
        try {
          const store = window[k.kind];
          const re = C.pattern(k.name);
          for (const key of Object.keys(store)) if (re.test(key)) store.removeItem(key);
        } catch {
          // storage blocked: nothing of ours can be in it either
        }
      } else C.remove(k.name, [...cfg.domains, k.domain]);
    }
}

function decide(
  method: SamtyckeMethod,
  cats: string[],
  refused: string[] = [],
  source: Source = method == "gpc" || method == "dnt" ? method : via,
): void {
  const before = state;
  const accepted = ids.filter((id) => id == "necessary" || cats.includes(id));
  if (method == "custom" && before?.categories.some((c) => !accepted.includes(c)))
    method = "withdraw";
  const owner = (s: string) =>
    cfg.categories.find((c) => c.services.some((x) => x.id == s))?.id || "";
  flush();
  // The decision holds at once (accepted(), consent); what it sets off waits, after a click in
  // samtycke's layers, until the layer is gone from the screen: the click paints first (INP).
  state = known = {
    id: known?.id || core.id || spareId,
    revision: cfg.revision,
    fingerprint: cfg.fingerprint.slice(0, C.FP_DIGITS),
    timestamp: now(),
    method,
    categories: accepted,
    refusedServices: [...new Set(refused)].filter((s) => accepted.includes(owner(s))),
  };
  later = () => {
    settle(state!);
    live.textContent = ui.t.saved;
    const sent = Promise.all(hooks.map((x) => x.decided?.(method, source)));
    // A script that already ran cannot be unloaded: reload once the decision is on its way.
    if (stale())
      Promise.race([sent, new Promise((r) => setTimeout(r, 2000))]).then(() => location.reload());
  };
  // Before the page can go (a reload or link right after the click), the decision is kept.
  // A layer that asks already listens (render): adding a beforeunload listener costs the click.
  addEventListener("beforeunload", flush);
  // The API and the signals act at once, for the code that calls or follows them.
  if (via == "api" || document.hidden) flush();
  else afterPaint(flush);
}

/** What the latest decision still has to do, once: after the next paint, or before leaving. */
let later: (() => void) | null = null;

function flush(): void {
  // Only while needed (a layer asks, or a decision waits): it keeps Firefox's bfcache off.
  if (!modal(view)) removeEventListener("beforeunload", flush);
  const f = later;
  later = null;
  if (f) calm(); // a click's decision shows the settings control first, then takes effect
  f?.();
}

/** Runs `f` once the frame after the next one has begun: after a click, its paint comes first. */
function afterPaint(f: () => void): void {
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(f)));
}

/** The layers that ask for a decision and hold focus. */
const modal = (v: View) => v == "banner" || v == "settings";

/** `s` holds from now on: kept in the cookie, told to add-ons, applied to the page. */
function settle(s: SamtyckeConsent): void {
  state = known = s;
  const domain = C.siteDomain(location.hostname, cfg.domains);
  C.write(C.NAME, C.encode(s), cfg.consent_days * 86400, domain);
  clear();
  update();
  apply();
  dispatchEvent(new CustomEvent("samtycke:change", { detail: api.consent }));
}

/** A script that already ran is now refused: only a reload takes it away. */
const stale = () => [...ran].some((k) => !ok(...(k.split("/") as [string, string?])));

function adopt(s: SamtyckeConsent | null): void {
  // A decision made on another shared domain, newer than ours: it applies here too.
  if (!s || !fresh(s)) return;
  flush();
  const was = state;
  settle(s);
  if (view == "banner") render("");
  if (was && stale()) location.reload();
}

function render(v: View): void {
  if (modal(v) && !modal(view)) {
    back = document.activeElement;
    addEventListener("beforeunload", flush);
  }
  if (v == "settings" && view != "settings")
    draft = { cats: new Set(state?.categories), refused: new Set(state?.refusedServices) };
  const layer =
    v == "banner"
      ? ui.banner(cfg.policy_url && here(cfg.policy_url))
      : v == "settings"
        ? ui.settings(draft)
        : v == "notice"
          ? ui.notice(noticeKey())
          : null;
  if (v == "settings" && state) layer!.querySelector(".stk-m")?.append(receiptLine(state.id));
  const wasModal = modal(view);
  view = v;
  root.lang = ui.lang;
  // Focus leaves the layer before it goes: removing the focused element recalculates style at once.
  if (box.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
  box.replaceChildren(...(layer ? [layer] : []));
  reopen.textContent = ui.t.reopen;
  // With every layer gone, the settings control and the room kept for it come after the paint
  // (the click shows the layer going, nothing else), unless focus goes back to the control.
  if (v || back == reopen) calm();
  else {
    hold(); // the layer's going would call the observer inside the click's frame
    if (!later) afterPaint(calm); // a decision still to take effect shows it first (flush)
  }
  // Inserted text is not reliably read out; a change in a live region that exists is.
  if (v == "notice") setTimeout(() => (live.textContent = ui.t[noticeKey()]), 300);
  if (modal(v)) root.querySelector("h2")!.focus();
  else if (wasModal) {
    // Asking <body>, which takes no focus, would only lay the page out inside the click.
    if (back != document.body) (back as HTMLElement | null)?.focus?.();
    back = null;
  }
}

/** The settings control shows when no layer does; the page keeps clear of what is on top. */
function calm(): void {
  reopen.hidden = !cfg.settings_button || !!view;
  keepClear(view == "settings" ? null : (box.firstElementChild as HTMLElement | null) || reopen);
}

/** The notice names what the signal left: its text for the declared mode. */
function noticeKey(): string {
  const m = state!.method;
  const mode = m == "gpc" ? cfg.global_privacy_control : cfg.do_not_track;
  return mode == "necessary-only" ? m + "_necessary" : m;
}

/** The consent id, and the receipt of the latest recorded decision as a download. */
function receiptLine(id: string): HTMLElement {
  const kept = receipt();
  return h(
    "p",
    { class: "stk-receipt" },
    `${ui.t.consent_id}: `,
    h("code", {}, id),
    kept && [
      " ",
      h(
        "a",
        {
          href: "data:application/json;charset=utf-8," + encodeURIComponent(kept),
          download: "samtycke-receipt.json",
        },
        ui.t.receipt,
      ),
    ],
  );
}

function close(): void {
  render(view == "settings" && !state ? "banner" : "");
}

function sync(): void {
  for (const i of $$<HTMLInputElement>(".stk-sw:not([disabled])", root))
    i.checked = draft.cats.has(i.dataset.c!) && !(i.dataset.s && draft.refused.has(i.dataset.s));
}

function onChange(e: Event): void {
  const t = e.target as HTMLInputElement;
  if (t.id == "stk-lang") {
    ui.lang = t.value;
    render("settings");
    return void root.querySelector<HTMLElement>("#stk-lang")!.focus();
  }
  const { c, s } = t.dataset;
  const services = cfg.categories.find((x) => x.id == c)?.services.map((x) => x.id) || [];
  if (!c) return;
  if (!s) {
    if (t.checked) draft.cats.add(c);
    else draft.cats.delete(c);
    for (const x of services) draft.refused.delete(x);
  } else if (t.checked) {
    // Switching one service on in a refused category accepts that service only.
    if (!draft.cats.has(c)) for (const x of services) draft.refused.add(x);
    draft.cats.add(c);
    draft.refused.delete(s);
  } else draft.refused.add(s);
  sync();
}

function onClick(e: MouseEvent): void {
  const t = (e.target as Element).closest?.<HTMLElement>(
    "[data-samtycke-action],[data-samtycke-allow],[data-samtycke-once]",
  );
  if (!t) return;
  e.preventDefault();
  const { samtyckeAction: a, samtyckeAllow: cat, samtyckeService: sid } = t.dataset;
  const ph = t.closest(".stk-ph");
  const frame = ph?.nextElementSibling as HTMLIFrameElement | null;
  via = ph ? "placeholder" : !root.contains(t) ? "api" : view == "settings" ? "settings" : "banner";
  if (ph && "samtyckeOnce" in t.dataset) {
    // This embed only, this page only: nothing is decided or recorded.
    frame!.dataset.once = "1";
    apply();
  } else if (cat) allow(cat, sid);
  else if (a == "accept-all") api.acceptAll();
  else if (a == "reject-all") api.rejectAll();
  else if (a == "settings") api.show();
  else if (a == "close") close();
  else if (a == "save") {
    decide("custom", [...draft.cats], [...draft.refused]);
    render("");
  }
  via = "api";
  if (ph) {
    flush(); // what a placeholder lets in shows with the click itself
    // The button that was pressed is gone with its placeholder: focus what it let in.
    if (!ph.isConnected) frame?.focus();
  }
}

/** "Allow" on a placeholder: the category, or only this service of it. */
function allow(cat: string, sid?: string): void {
  const had = !!state?.categories.includes(cat);
  const others = cfg.categories.find((c) => c.id == cat)!.services.map((s) => s.id);
  const refused = (state?.refusedServices || []).concat(sid && !had ? others : []);
  decide("custom", [...(state?.categories || []), cat], refused.filter((s) => s != sid));
  render(view == "settings" ? "settings" : "");
}

function onKey(e: KeyboardEvent): void {
  const inside = root.contains(document.activeElement);
  if (e.key == "Escape" && view && (view == "settings" || inside)) close();
  if (e.key != "Tab" || view != "settings") return;
  // The settings layer is modal: Tab and Shift+Tab cycle inside it.
  const f = $$<HTMLElement>(
    "button,select,input:not([disabled]),a[href],summary",
    root.querySelector(".stk-m")!,
  );
  const edge = e.shiftKey ? f[0] : f[f.length - 1];
  if (
    !inside ||
    document.activeElement == edge ||
    (e.shiftKey && document.activeElement?.tagName == "H2")
  ) {
    e.preventDefault();
    (e.shiftKey ? f[f.length - 1] : f[0]).focus();
  }
}

const api: SamtyckeApi = {
  show: () => render("settings"),
  acceptAll() {
    decide("accept-all", ids);
    render("");
  },
  rejectAll() {
    decide("reject-all", []);
    render("");
  },
  accept(categories) {
    decide("custom", categories, state?.refusedServices);
    render("");
  },
  accepted: (category) => ok(category),
  get consent() {
    return (
      state && {
        ...state,
        categories: [...state.categories],
        refusedServices: [...state.refusedServices],
      }
    );
  },
  get language() {
    return ui.lang;
  },
};

function start(): void {
  root.id = "samtycke";
  root.className = "stk";
  // A constructed stylesheet is not inline style, so style-src 'self' allows it.
  const css = __CSS__ + theme(cfg, root);
  if (document.adoptedStyleSheets) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } else document.head.append(h("style", { nonce }, css));
  live.className = "stk-sr";
  live.setAttribute("role", "status");
  reopen = ui.btn("settings", "stk-r", "reopen");
  root.append(live, box, reopen);
  // First in the reading and focus order: the choice comes before the page it is about.
  document.body.prepend(root);
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKey);
  addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", flush);
  root.addEventListener("change", onChange);
  // Every add-on starts (in order); one that answers true calls begin() itself.
  if (!hooks.map((x) => x.start?.()).includes(true)) begin();
}

function begin(): void {
  const sig = signal();
  const refusable = cfg.categories.some((c) => c.refusable);
  apply(); // necessary content runs, and embeds get their placeholders before any decision
  if (state) render("");
  else if (sig && refusable) {
    // A signal only takes away: necessary, plus functional where the declaration says so.
    const mode = sig == "gpc" ? cfg.global_privacy_control : cfg.do_not_track;
    decide(sig, mode == "necessary-and-functional" ? ["functional"] : []);
    render("notice");
  } else render(refusable ? "banner" : "");
  dispatchEvent(new CustomEvent("samtycke:ready", { detail: api.consent }));
}

// Before the DOM is ready: the API, the stored decision and the add-ons (Consent Mode's
// default and update), so they precede any Google tag that comes after samtycke.js.
window.samtycke = api;
load();
const core: Core = {
  cfg,
  here,
  hex32,
  state: () => state,
  ok: (c) => ok(c),
  lang: () => ui.lang,
  id: null,
  adopt,
  begin,
};
const hooks = plug(core);
if (state) update();
if (document.body) start();
else document.addEventListener("DOMContentLoaded", start);
