// Google Consent Mode v2: the signals gtag.js reads from window.dataLayer.
const TYPES: Record<string, string[]> = {
  marketing: ["ad_storage", "ad_user_data", "ad_personalization"],
  analytics: ["analytics_storage"],
  functional: ["functionality_storage", "personalization_storage"],
};

declare global {
  interface Window {
    dataLayer?: unknown[];
  }
}

function gtag(..._: unknown[]): void {
  // gtag.js only accepts the arguments object itself, not an array copy.
  // eslint-disable-next-line prefer-rest-params
  (window.dataLayer = window.dataLayer || []).push(arguments);
}

function states(ok: (category: string) => boolean): Record<string, string> {
  const s: Record<string, string> = {};
  for (const c in TYPES) for (const t of TYPES[c]) s[t] = ok(c) ? "granted" : "denied";
  return s;
}

/** Everything denied but security_storage, before any gated script can run. */
export function consentDefault(wait: number): void {
  gtag("consent", "default", {
    ...states(() => false),
    security_storage: "granted",
    wait_for_update: wait,
  });
}

export function consentUpdate(ok: (category: string) => boolean): void {
  gtag("consent", "update", states(ok));
}
