// Decisions go to the consent API; until it records one it waits in localStorage and is
// retried on every page load, with the same decision_id, so a retry is never a second record.
// It also counts banner displays in aggregate (countDisplays) for the console.
// An add-on (assets/addon-send.js): only a samtycke.js with a consent endpoint gets it.
import { type Core, addon } from "./addon";
import type { ConsentRequest, ConsentResponse, DisplayCount, Layer } from "./contract";
import { RECEIPT } from "./receipt";

export type Body = ConsentRequest;
type Pending = { b: Body; n: number }; // the body and how often it was tried

const KEY = "samtycke.pending";
const MAX_TRIES = 20;

function load(): Pending[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    // Entries of an earlier banner were bare bodies.
    return list.map((x: Pending | Body) => ("b" in x ? x : { b: x, n: 0 }));
  } catch {
    return [];
  }
}

function store(list: Pending[]): void {
  try {
    if (list.length) localStorage.setItem(KEY, JSON.stringify(list.slice(-20)));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage can be full or blocked; the decision still applies, it just cannot be retried.
  }
}

const same = (a: Body, b: Body) =>
  a.decision_id ? a.decision_id == b.decision_id : JSON.stringify(a) == JSON.stringify(b);

/** POST one decision; resolves once the server answered or the attempt failed. */
export function post(endpoint: string, body: Body): Promise<void> {
  const settle = (recorded: boolean) =>
    store(
      load()
        .map((p) => (same(p.b, body) ? { ...p, n: p.n + 1 } : p))
        // 2xx: recorded. A body the server cannot even read will not improve. Anything
        // else (a fingerprint a stale server does not know yet, 429, 5xx) is tried again.
        .filter((p) => !(same(p.b, body) && (recorded || p.n >= MAX_TRIES))),
    );
  return fetch(endpoint, {
    method: "POST",
    keepalive: true,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).then(
    async (r) => {
      if (r.ok) {
        try {
          const answer: ConsentResponse = await r.json();
          localStorage.setItem(RECEIPT, JSON.stringify(answer.receipt || answer));
        } catch {
          // no receipt to keep; the decision is recorded all the same
        }
      }
      settle(r.ok || r.status == 400 || r.status == 413);
    },
    () => settle(false),
  );
}

/** Keep the decision until acknowledged, then send it. */
export function send(endpoint: string, body: Body): Promise<void> {
  store([...load().filter((p) => !same(p.b, body)), { b: body, n: 0 }]);
  return post(endpoint, body);
}

/** Resend what an earlier page could not deliver. */
export function retry(endpoint: string): void {
  for (const p of load()) post(endpoint, p.b);
}

/** Count each time a layer appears, per language; beacon the sums when the page is hidden.
 * Nothing that tells people apart: no id, no URL, only (language, layer, count). The beacon
 * is a keepalive fetch, not navigator.sendBeacon: sendBeacon always sends cookies, and on a
 * consent server under the site's domain that would include the consent cookie and its id. */
export function countDisplays(core: Core, to: string): void {
  const root = document.getElementById("samtycke");
  if (!root) return;
  let counts: Record<string, number> = {};
  let shown = "";
  new MutationObserver(() => {
    const layer = root.querySelector(".stk-o") ? "settings" : root.querySelector(".stk-b") ? "banner" : "";
    // A re-render of the same layer (another language) is not another display.
    if (layer && layer != shown) counts[core.lang() + " " + layer] = (counts[core.lang() + " " + layer] || 0) + 1;
    shown = layer;
  }).observe(root, { childList: true, subtree: true });
  const flush = () => {
    const displays: DisplayCount[] = Object.entries(counts).map(([k, n]) => {
      const [language, layer] = k.split(" ");
      return { language, layer: layer as Layer, count: Math.min(n, 100) };
    });
    counts = {};
    if (displays.length)
      fetch(to, {
        method: "POST",
        keepalive: true,
        credentials: "omit",
        referrerPolicy: "no-referrer",
        body: JSON.stringify({ displays: displays.slice(0, 16) }),
      }).catch(() => {});
  };
  addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => document.visibilityState == "hidden" && flush());
}

addon((core) => {
  const { cfg } = core;
  const to = () => core.here(cfg.endpoint!);
  return cfg.endpoint
    ? {
        start() {
          retry(to());
          countDisplays(core, to().replace(/\/v1\/consents$/, `/v1/sites/${cfg.site}/displays`));
          return undefined;
        },
        decided(method, source) {
          const s = core.state()!;
          return send(to(), {
            site: cfg.site,
            consent_id: s.id,
            revision: cfg.revision,
            fingerprint: cfg.fingerprint,
            language: core.lang(),
            method,
            choices: Object.fromEntries(cfg.categories.map((c) => [c.id, core.ok(c.id)])),
            url: location.origin + location.pathname,
            decision_id: core.hex32(),
            refused_services: s.refusedServices,
            source,
          });
        },
      }
    : {};
});
