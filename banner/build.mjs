// Build the engine into the Python package: node build.mjs [OUTDIR]
// (default ../src/samtycke/banner/assets). Deterministic, so a test can compare bytes.
import { build, transform } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, "..", "src", "samtycke", "banner", "assets");
mkdirSync(out, { recursive: true });

const css = await transform(readFileSync(join(here, "src", "banner.css"), "utf8"), {
  loader: "css",
  minify: true,
});

// The core every site gets, and the add-ons build_script adds only where a declaration uses them.
const bundles = { engine: "main", "addon-send": "send", "addon-signals": "gcm", "addon-xd": "xd" };
for (const [name, entry] of Object.entries(bundles))
  await build({
    entryPoints: [join(here, "src", entry + ".ts")],
    outfile: join(out, name + ".js"),
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    legalComments: "none",
    charset: "utf8",
    define: { __CSS__: JSON.stringify(css.code.trim()) },
    logLevel: "warning",
  });
copyFileSync(join(here, "samtycke.d.ts"), join(out, "samtycke.d.ts"));
