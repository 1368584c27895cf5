/**
 * npm run plots [-- show|diff <dvc plots args...>]: DVC's plots as an HTML page that opens offline. Writes an
 * HTML template with vega, vega-lite and vega-embed inlined from node_modules, then runs `dvc plots show` (or
 * `dvc plots diff`) with `--html-template`, and says where the page is. The template is generated on every run
 * (into the gitignored dvc_plots/), so a fresh clone needs nothing but `npm ci`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type InlineScript, offlinePlotsTemplate } from "../stages/charts/offline-plots-template.ts";
import { StageError } from "../stages/core/errors.ts";
import { readJson, readText, writeOutputs } from "../stages/shell/files.ts";
import { runStage } from "../stages/shell/run-stage.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TEMPLATE = "dvc_plots/offline-template.html";
// Load order matters: vega-lite needs the global `vega`, vega-embed needs both.
const PACKAGES = ["vega", "vega-lite", "vega-embed"];

/** Finds an installed package the way Node does, walking up from the repo (queued experiments run in a copy). */
function packageDir(name: string): string {
  for (let dir = ROOT; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new StageError(`${name} is not installed: run npm ci`);
  }
}

/** The package's own browser bundle, as its package.json names it for CDNs (e.g. build/vega.min.js). */
function browserBundle(name: string): InlineScript {
  const dir = packageDir(name);
  const manifest = readJson(join(dir, "package.json")) as { version?: string; jsdelivr?: string };
  if (typeof manifest.jsdelivr !== "string")
    throw new StageError(`${dir}/package.json names no browser bundle (jsdelivr)`);
  return { label: `${name} ${manifest.version}`, source: readText(join(dir, manifest.jsdelivr)) };
}

/** The folder DVC writes index.html into: -o/--out when given, else DVC's default. */
function outputDir(args: readonly string[]): string {
  for (const [index, arg] of args.entries()) {
    if ((arg === "-o" || arg === "--out") && args[index + 1]) return args[index + 1] as string;
    if (arg.startsWith("--out=")) return arg.slice("--out=".length);
  }
  return "dvc_plots";
}

function modifiedAt(path: string): number | undefined {
  return existsSync(path) ? statSync(path).mtimeMs : undefined;
}

await runStage("plots", () => {
  const args = process.argv.slice(2);
  const command = args[0] === "show" || args[0] === "diff" ? (args.shift() as string) : "show";
  const templatePath = join(ROOT, TEMPLATE);
  writeOutputs({ [templatePath]: offlinePlotsTemplate(PACKAGES.map(browserBundle)) });
  const page = resolve(outputDir(args), "index.html");
  const pageBefore = modifiedAt(page);
  const dvc = spawnSync("dvc", ["plots", command, ...args, "--html-template", templatePath], { stdio: "inherit" });
  if (dvc.error)
    throw new StageError(`could not run dvc: ${dvc.error.message} (is DVC on PATH? npm run plots installs it)`);
  if (dvc.status !== 0) throw new StageError(`dvc plots ${command} exited with ${dvc.status}`);
  const pageAfter = modifiedAt(page);
  if (pageAfter === undefined || pageAfter === pageBefore) {
    throw new StageError(`dvc plots ${command} did not write ${page}: it found no plots to show`);
  }
  console.log(
    `Offline plots: ${page} (vega, vega-lite and vega-embed inlined; open it in any browser, no network needed)`,
  );
});
