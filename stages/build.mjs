// The `build` stage: bundles each stage entrypoint (stages/<stage>.ts) and the forest pool's worker, with the
// npm packages they import, into one plain-JavaScript file each, build/<stage>.mjs and build/forest-worker.mjs,
// which the other stages run. Why: starting a stage through tsx compiles its ~50 source files on every start,
// and Node's module loader then resolves and loads each package file by file; a bundle skips both (about
// 0.2 s of CPU instead of 0.7 s for a small stage). Listing every source as every stage's deps also made dvc.lock
// thousands of lines that DVC re-reads and rewrites after each stage. A bundle is one dep.
// Minified, because only minified output holds no file paths: unminified, esbuild names each package module by
// its path relative to this folder, which differs in DVC's experiment copies and behind a linked node_modules,
// and the bundles must be byte-identical wherever they are built. To read a stack trace in a stage's own
// names, run it from its sources: `node --import tsx stages/<stage>.ts`.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT_DIR = "build";

let esbuild;
try {
  esbuild = await import("esbuild");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  console.error("poisonlab build: npm packages are missing (esbuild): run `npm ci`");
  process.exit(1);
}

/** Output name (without .mjs) -> source, for every stage entrypoint and the worker script. */
function entryPoints() {
  const stages = readdirSync(join(ROOT, "stages"))
    .filter((name) => name.endsWith(".ts"))
    .sort();
  const entries = Object.fromEntries(stages.map((name) => [name.slice(0, -".ts".length), `stages/${name}`]));
  entries["forest-worker"] = "stages/shell/forest-worker.ts";
  return entries;
}

const entries = entryPoints();
try {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir: OUT_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    keepNames: true,
    legalComments: "eof",
    // CommonJS packages call require() for Node's built-ins, which an ES module does not have.
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
    logLevel: "silent",
  });
  for (const warning of result.warnings) console.error(`poisonlab build: warning: ${warning.text}`);
  console.log(`build: ${Object.keys(entries).length} bundles -> ${OUT_DIR}/`);
} catch (error) {
  // esbuild's error lists each problem with its file and line.
  const problems = error.errors ?? [];
  for (const { text, location } of problems) {
    console.error(`poisonlab build: ${location ? `${location.file}:${location.line}: ` : ""}${text}`);
  }
  if (problems.length === 0) console.error(`poisonlab build: ${error.message}`);
  process.exit(1);
}
