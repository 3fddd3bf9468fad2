// The consent cookie, byte for byte the format of src/samtycke/consent.py.
import type { SamtyckeConsent, SamtyckeMethod } from "../samtycke.d";

export const NAME = "samtycke";
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

const sorted = (a: Iterable<string>) => [...new Set(a)].sort();

export function encode(s: SamtyckeConsent): string {
  const cats = sorted(["necessary", ...s.categories]).join(".");
  const v = `v=1&id=${s.id}&r=${s.revision}&t=${s.timestamp}&m=${CODES[s.method]}&c=${cats}`;
  return s.refusedServices.length ? `${v}&x=${sorted(s.refusedServices).join(".")}` : v;
}

/** Strict: anything that is not a valid cookie value gives null. */
export function decode(raw: string): SamtyckeConsent | null {
  const f: Record<string, string> = {};
  raw = raw.replace(/^"(.*)"$/, "$1"); // some servers quote cookie values
  for (const part of raw.split("&")) {
    const i = part.indexOf("=");
    if (i < 0 || part.slice(0, i) in f) return null;
    f[part.slice(0, i)] = part.slice(i + 1);
  }
  const method = (Object.keys(CODES) as SamtyckeMethod[]).find((k) => CODES[k] == f.m);
  const slugs = (t = "") => (t ? t.split(".") : []);
  const cats = slugs(f.c);
  const refused = slugs(f.x);
  if (
    raw.length > 2048 ||
    f.v != "1" ||
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
    timestamp: +f.t,
    method,
    categories: sorted(["necessary", ...cats]),
    refusedServices: refused,
  };
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
  const host = location.hostname;
  const labels = host.split(".");
  const parents = IP.test(host)
    ? []
    : labels
        .map((_, i) => labels.slice(i).join("."))
        .filter((d) => d.includes(".") && domains.some((x) => d == x || d.endsWith("." + x)));
  for (const n of new Set(names)) for (const d of [undefined, ...parents]) write(n, "", 0, d);
}
