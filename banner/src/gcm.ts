// Consent signals for tags that read them: Google Consent Mode v2, Microsoft UET, Clarity.
// An add-on (assets/addon-signals.js): only sites that enable one of them get it.
import { addon, type Ok } from "./addon";
import type { Config } from "./types";

const TYPES: Record<string, string[]> = {
  marketing: ["ad_storage", "ad_user_data", "ad_personalization"],
  analytics: ["analytics_storage"],
  functional: ["functionality_storage", "personalization_storage"],
};
type Q = ((...a: unknown[]) => void) & { q?: unknown[] };
type W = Window & { uetq?: unknown[]; clarity?: Q };
const w = window as W;
const g = (on: boolean) => (on ? "granted" : "denied");

declare global {
  interface Window {
    dataLayer?: unknown[];
  }
}

function gtag(..._: unknown[]): void {
  // gtag.js only accepts the arguments object itself, not an array copy.
  // eslint-disable-next-line prefer-rest-params
  (w.dataLayer = w.dataLayer || []).push(arguments);
}

function states(ok: Ok): Record<string, string> {
  const s: Record<string, string> = {};
  for (const c in TYPES) for (const t of TYPES[c]) s[t] = g(ok(c));
  return s;
}

/** The defaults, before any tag after samtycke.js can run: denied but where a region grants. */
export function signalDefaults(c: Config): void {
  const m = c.consent_mode;
  if (c.google_consent_mode) {
    // A Google tag that ran first (samtycke.js deferred, or placed after gtag) saw no default.
    if (w.dataLayer?.length) console.warn("samtycke.js: load before gtag, no defer");
    for (const r of m.regions)
      gtag("consent", "default", {
        ...states((x) => r.granted.includes(x)),
        region: r.region,
        wait_for_update: c.wait_for_update,
      });
    gtag("consent", "default", {
      ...states(() => false),
      security_storage: "granted",
      wait_for_update: c.wait_for_update,
    });
    if (m.ads_data_redaction) gtag("set", "ads_data_redaction", true);
    if (m.url_passthrough) gtag("set", "url_passthrough", true);
  }
  if (c.uet) (w.uetq = w.uetq || []).push("consent", "default", { ad_storage: "denied" });
}

/** The person's decision (or the stored one, at load), for every tag the site enables. */
export function signalUpdate(c: Config, ok: Ok): void {
  if (c.google_consent_mode) gtag("consent", "update", states(ok));
  if (c.uet) (w.uetq = w.uetq || []).push("consent", "update", { ad_storage: g(ok("marketing")) });
  if (c.clarity) {
    // The same queue Clarity's own snippet makes, so the call waits for the tag.
    const q: Q = (w.clarity ||= (...a: unknown[]) => void (q.q ||= []).push(a));
    q("consentv2", { ad_Storage: g(ok("marketing")), analytics_Storage: g(ok("analytics")) });
  }
}

addon((core) => {
  signalDefaults(core.cfg);
  return { update: (ok) => signalUpdate(core.cfg, ok) };
});
