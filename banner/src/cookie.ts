// The consent cookie, byte for byte the format of src/samtycke/consent.py;
// tests/vectors/consent-cookie.json holds the cases both must agree on.
import type { SamtyckeConsent, SamtyckeMethod } from "../samtycke.d";

export const NAME = "samtycke";
/** Hex digits of the declaration's fingerprint the cookie carries (COOKIE_FINGERPRINT_DIGITS). */
export const FP_DIGITS = 12;
/** Seconds of clock slack on both sides of the validity window (CLOCK_SLACK in consent.py). */
export const SLACK = 300;
const CODES: Record<SamtyckeMethod, string> = {
  "accept-all": "a",
  "reject-all": "r",
  custom: "c",
  withdraw: "w",
  gpc: "g",
  dnt: "d",
};
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const UINT = /^\d{1,12}$/;
const HEX12 = /^[0-9a-f]{12}$/;

const sorted = (a: Iterable<string>) => [...new Set(a)].sort();

export function encode(s: SamtyckeConsent): string {
  const cats = sorted(["necessary", ...s.categories]).join(".");
  const fp = (s.fingerprint || "").slice(0, FP_DIGITS);
  const v = `v=2&id=${s.id}&r=${s.revision}&f=${fp}&t=${s.timestamp}&m=${CODES[s.method]}&c=${cats}`;
  return s.refusedServices.length ? `${v}&x=${sorted(s.refusedServices).join(".")}` : v;
}

/** Strict: anything that is not a valid cookie value gives null. A format-1 cookie has no fingerprint. */
export function decode(raw: string): SamtyckeConsent | null {
  const f: Record<string, string> = Object.create(null); // no inherited keys like "constructor"
  if (!raw || raw.length > 2048) return null;
  if (raw.length >= 2 && raw[0] == '"' && raw[raw.length - 1] == '"') raw = raw.slice(1, -1);
  for (const part of raw.split("&")) {
    const i = part.indexOf("=");
    if (i < 0 || part.slice(0, i) in f) return null;
    f[part.slice(0, i)] = part.slice(i + 1);
  }
  const method = (Object.keys(CODES) as SamtyckeMethod[]).find((k) => CODES[k] === f.m);
  const slugs = (t = "") => (t ? t.split(".") : []);
  const cats = slugs(f.c);
  const refused = slugs(f.x);
  const v2 = f.v === "2";
  if (
    !(v2 || f.v === "1") ||
    (v2 && !HEX12.test(f.f)) ||
    !/^[0-9a-f]{32}$/.test(f.id) ||
    !UINT.test(f.r) ||
    !UINT.test(f.t) ||
    +f.r < 1 ||
    !method ||
    cats.length > 64 ||
    refused.length > 64 ||
    ![...cats, ...refused].every((s) => SLUG.test(s))
  )
    return null;
  return {
    id: f.id,
    revision: +f.r,
    fingerprint: v2 ? f.f : null,
    timestamp: +f.t,
    method,
    categories: sorted(["necessary", ...cats]),
    refusedServices: sorted(refused),
  };
}

/** The validity rule (ConsentState.window in consent.py): same revision and fingerprint, not expired. */
export function current(
  s: SamtyckeConsent,
  revision: number,
  fingerprint: string,
  days: number,
  now: number,
): boolean {
  return (
    s.revision == revision &&
    s.fingerprint != null &&
    s.fingerprint == fingerprint.slice(0, FP_DIGITS) &&
    now >= s.timestamp - SLACK &&
    now < s.timestamp + days * 86400 + SLACK
  );
}

/** Every value of cookie `name` visible to this page. */
export function read(name: string): string[] {
  return document.cookie
    .split(/;\s*/)
    .filter((c) => c.startsWith(name + "="))
    .map((c) => c.slice(name.length + 1));
}

const IP = /^[\d.]+$|:/;

/** The declared domain this host is or is under, so subdomains share consent (none on IPs). */
export function siteDomain(host: string, domains: string[]): string | undefined {
  return IP.test(host) || !host.includes(".")
    ? undefined
    : domains.find((d) => host == d || host.endsWith("." + d));
}

export function write(name: string, value: string, maxAge: number, domain?: string): void {
  document.cookie =
    `${name}=${value};Path=/;Max-Age=${maxAge};SameSite=Lax` +
    (domain ? ";Domain=" + domain : "") +
    (location.protocol == "https:" ? ";Secure" : "");
}

/** `*` in a declared name matches any run of characters. */
export function pattern(name: string): RegExp {
  return new RegExp(
    "^" +
      name
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
  );
}

/** Delete matching cookies: host-only and on each parent inside the declared domains. */
export function remove(name: string, domains: string[]): void {
  const re = pattern(name);
  const names = document.cookie
    .split(/;\s*/)
    .map((c) => c.split("=")[0])
    .filter((n) => re.test(n));
  if (!name.includes("*")) names.push(name);
  // The host and its parents that are, or are under, a declared domain (none on an IP:
  // every suffix of an address is one too, or has no dot).
  const labels = location.hostname.split(".");
  const parents = labels
    .map((_, i) => labels.slice(i).join("."))
    .filter((d) => siteDomain(d, domains));
  for (const n of new Set(names)) for (const d of [undefined, ...parents]) write(n, "", 0, d);
}
