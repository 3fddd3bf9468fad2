// The shared consent-cookie vectors, read by banner/src/cookie.ts: node --test test/
// cookie.ts is compiled with esbuild into a temporary folder; no browser is needed.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(
  readFileSync(join(here, "..", "..", "tests", "vectors", "consent-cookie.json"), "utf8"),
);
const out = mkdtempSync(join(tmpdir(), "samtycke-cookie-"));
after(() => rmSync(out, { recursive: true, force: true }));
await build({
  entryPoints: [join(here, "..", "src", "cookie.ts")],
  outfile: join(out, "cookie.mjs"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  logLevel: "warning",
});
const C = await import(pathToFileURL(join(out, "cookie.mjs")).href);

// The banner's state in the vectors' shape (samtycke.contract.ConsentCookie).
const asContract = (s) =>
  s && {
    id: s.id,
    revision: s.revision,
    fingerprint: s.fingerprint,
    timestamp: s.timestamp,
    method: s.method,
    categories: [...s.categories].sort(),
    refused_services: [...s.refusedServices].sort(),
  };

for (const v of vectors.decode)
  test(`decode: ${v.name}`, () => assert.deepEqual(asContract(C.decode(v.value)), v.state));

for (const v of vectors.encode)
  test(`encode: ${v.name}`, () => {
    const s = v.state;
    const state = { ...s, refusedServices: s.refused_services };
    assert.equal(C.encode(state), v.value);
  });

const d = vectors.declaration;
for (const v of vectors.validity)
  test(`validity: ${v.name}`, () => {
    const s = C.decode(v.value);
    assert.ok(s);
    assert.equal(C.current(s, d.revision, d.fingerprint, d.consent_days, v.now), v.current);
  });
