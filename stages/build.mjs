// The `build` stage: bundles each stage entrypoint (stages/<stage>.ts) and the forest pool's worker into one
// plain-JavaScript file each, build/<stage>.mjs and build/forest-worker.mjs, which the other stages run.
// Why: starting a stage through tsx compiles and resolves its ~50 source files on every start (about 0.4 s
// each, DESIGN's measured costs), and listing those files as every stage's deps made dvc.lock thousands of
// lines that DVC parses many times per experiment. A bundle starts in a fraction of that time and is one dep.
// npm packages stay outside the bundles (loaded from node_modules at run time, pinned by package-lock.json),
// so a bundle holds this repository's code only and its bytes depend on nothing but the sources: paths in it
// are relative to the repository root, the same in DVC's experiment copies.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT_DIR = "build";

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
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

try {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: entryPoints(),
    outdir: OUT_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
  });
  for (const warning of result.warnings) console.error(`poisonlab build: warning: ${warning.text}`);
  console.log(`build: ${Object.keys(entryPoints()).length} bundles -> ${OUT_DIR}/`);
} catch (error) {
  // esbuild's error lists each problem with its file and line.
  const problems = error.errors ?? [];
  for (const { text, location } of problems) {
    console.error(`poisonlab build: ${location ? `${location.file}:${location.line}: ` : ""}${text}`);
  }
  if (problems.length === 0) console.error(`poisonlab build: ${error.message}`);
  process.exit(1);
}
