// One decision across the site's shared domains: a first-party handshake with the consent server.
// A domain with no decision sends the browser once to the server's lookup page, which answers
// with this browser's consent id in the fragment, bound to a nonce kept in sessionStorage so a
// crafted link cannot plant someone else's id. The latest decision under that id is then read
// from the server on every page, so a withdrawal on one domain reaches all of them.
// An add-on (assets/addon-xd.js): only sites with shared consent domains get it.
import type { SamtyckeConsent, SamtyckeMethod } from "../samtycke.d";
import { addon } from "./addon";
import { siteDomain } from "./cookie";

const NONCE = "samtycke.xd";
const TAG = "samtycke-xd=";

export type Remote = {
  revision: number;
  fingerprint: string;
  method: SamtyckeMethod;
  categories: string[];
  refused_services: string[];
  timestamp: number;
};

function session(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The consent id the lookup sent back, or undefined when this page was not its answer. */
export function arrived(): string | undefined {
  const at = location.hash.indexOf(TAG);
  if (at < 0) return undefined;
  const [id, nonce] = location.hash.slice(at + TAG.length).split(".");
  const store = session();
  const expected = store?.getItem(NONCE);
  store?.removeItem(NONCE);
  history.replaceState(history.state, "", location.pathname + location.search);
  return expected && nonce == expected && /^[0-9a-f]{32}$/.test(id) ? id : "";
}

/** Go to the lookup once per tab session; false when that already happened (or cannot). */
export function leave(base: string, site: string, nonce: string): boolean {
  const store = session();
  if (!store || store.getItem(NONCE + ".tried")) return false;
  store.setItem(NONCE, nonce);
  store.setItem(NONCE + ".tried", "1");
  const back = location.origin + location.pathname + location.search;
  location.replace(
    `${base}/v1/xd/${site}/lookup?return=${encodeURIComponent(back)}&nonce=${nonce}`,
  );
  return true;
}

/** The latest decision recorded under `id` on any shared domain, or null. */
export async function latest(base: string, site: string, id: string): Promise<Remote | null> {
  try {
    const r = await fetch(`${base}/v1/xd/${site}/state/${id}`, { credentials: "omit" });
    return r.ok ? ((await r.json()).consent as Remote | null) : null;
  } catch {
    return null; // the server is away: keep what this domain knows
  }
}

/** The remote decision as this domain's consent, when it is newer than the local one. */
export function newer(
  remote: Remote | null,
  id: string,
  local: SamtyckeConsent | null,
): SamtyckeConsent | null {
  // Times are whole seconds: a decision on another domain within the same second
  // as ours counts as newer, unless it is the same choice (then nothing changes).
  if (!remote || (local && local.timestamp > remote.timestamp)) return null;
  const { refused_services: refusedServices, ...rest } = remote;
  const same = (a: string[], b: string[]) => [...a].sort().join() == [...b].sort().join();
  if (
    local &&
    local.method == rest.method &&
    same(local.categories, rest.categories) &&
    same(local.refusedServices, refusedServices)
  )
    return null;
  return { ...rest, id, refusedServices };
}

addon((core) => ({
  start() {
    const { cfg } = core;
    const base =
      cfg.endpoint && siteDomain(location.hostname, cfg.shared_domains || [])
        ? core.here(cfg.endpoint).replace(/\/v1\/consents$/, "")
        : "";
    if (!base) return false;
    const state = core.state();
    const back = arrived();
    if (!state && back === undefined && leave(base, cfg.site, core.hex32())) return true; // the page is replaced
    const id = (core.id = back || state?.id || null);
    if (!id) return false;
    const remote = latest(base, cfg.site, id).then((r) => newer(r, id, core.state()));
    if (state) {
      core.begin();
      remote.then(core.adopt);
    } else
      remote.then((s) => {
        core.adopt(s);
        core.begin();
      });
    return true;
  },
}));
