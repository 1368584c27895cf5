/**
 * npm run review -- <base-rev> [--out <file>] [--plots-url <url>]: one markdown page for a pull request, the
 * workspace against base-rev: the params changed (`dvc params diff`), the headline metrics (`dvc metrics diff`),
 * the studies' summaries and the plots whose data changed, drawn as SVG beside the page (plots/<name>.svg) with
 * the project's offline renderer. Default page: review/review.md (gitignored). The page is formatted by
 * scripts/review-page.ts; this file runs git and DVC and writes the files.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { parse } from "yaml";
import { confusionSpec } from "../stages/charts/confusion-chart.ts";
import { renderSvg } from "../stages/charts/render.ts";
import { StageError } from "../stages/core/errors.ts";
import { writeOutputs } from "../stages/shell/files.ts";
import { runStage } from "../stages/shell/run-stage.ts";
import { type DvcDiff, type ReviewPlot, reviewPage } from "./review-page.ts";

const DEFAULT_OUT = "review/review.md";
const PLOTS_FOLDER = "plots";
/** How `dvc plots diff` names the working tree in its data. */
const WORKSPACE = "workspace";
const USAGE = "usage: npm run review -- <base-rev> [--out <file>] [--plots-url <url>]";

interface Options {
  base: string;
  out: string;
  plotsUrl?: string;
}

function parseArgs(args: readonly string[]): Options {
  const positional: string[] = [];
  let out = DEFAULT_OUT;
  let plotsUrl: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === "--out" || arg === "--plots-url") {
      const value = args[++index];
      if (value === undefined || value === "") throw new StageError(`${arg} needs a value; ${USAGE}`);
      if (arg === "--out") out = value;
      else plotsUrl = value;
    } else if (arg.startsWith("-")) throw new StageError(`unknown option ${arg}; ${USAGE}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new StageError(`expected one base revision, got ${positional.length}; ${USAGE}`);
  return { base: positional[0] as string, out, ...(plotsUrl === undefined ? {} : { plotsUrl }) };
}

function run(command: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new StageError(`could not run ${command}: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function checkBase(base: string): void {
  const found = run("git", ["rev-parse", "--verify", "--quiet", "--end-of-options", `${base}^{commit}`]);
  if (found.status !== 0) throw new StageError(`base revision "${base}" is not a commit in this repository`);
}

function dvcJson(args: readonly string[]): unknown {
  const result = run("dvc", [...args, "--json"]);
  if (result.status !== 0) {
    throw new StageError(`dvc ${args.join(" ")} exited with ${result.status}: ${result.stderr.trim()}`);
  }
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new StageError(`dvc ${args.join(" ")} --json printed no JSON: ${result.stdout.slice(0, 200)}`);
  }
}

/** A file at a revision, or undefined where it does not exist there. */
function fileAt(base: string, path: string): Buffer | undefined {
  const result = spawnSync("git", ["show", `${base}:${path}`], { maxBuffer: 256 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : undefined;
}

function fileChanged(base: string, path: string): boolean {
  const now = existsSync(path) ? readFileSync(path) : undefined;
  const before = fileAt(base, path);
  if (now === undefined || before === undefined) return now !== before;
  return !now.equals(before);
}

/** A plot of dvc.yaml: the files it draws, and for a stage's own plot file its template and fields. */
interface PlotDefinition {
  files: string[];
  template?: string;
  x?: string;
  y?: string;
  title?: string;
  /** A stage's plot file that a top-level plot draws too (DVC then shows it twice). */
  duplicate: boolean;
}

/** dvc.yaml's plots: the top-level ones by name, and each stage's plot files by path. */
function plotDefinitions(): Map<string, PlotDefinition> {
  const dvcYaml = parse(readFileSync("dvc.yaml", "utf8")) as {
    plots?: Record<string, { y?: Record<string, unknown> | string; title?: string }>[];
    stages?: Record<string, { plots?: (string | Record<string, Record<string, string> | null>)[] }>;
  };
  const definitions = new Map<string, PlotDefinition>();
  for (const entry of dvcYaml.plots ?? []) {
    for (const [id, plot] of Object.entries(entry)) {
      const files = typeof plot.y === "object" && plot.y !== null ? Object.keys(plot.y) : [id];
      definitions.set(id, { files, duplicate: false });
    }
  }
  const drawnAtTop = new Set([...definitions.values()].flatMap((definition) => definition.files));
  for (const stage of Object.values(dvcYaml.stages ?? {})) {
    for (const entry of stage.plots ?? []) {
      const [path, options] = typeof entry === "string" ? [entry, null] : (Object.entries(entry)[0] ?? ["", null]);
      definitions.set(path, {
        files: [path],
        duplicate: drawnAtTop.has(path),
        ...(options?.template === undefined ? {} : { template: options.template }),
        ...(options?.x === undefined ? {} : { x: options.x }),
        ...(options?.y === undefined ? {} : { y: options.y }),
        ...(options?.title === undefined ? {} : { title: options.title }),
      });
    }
  }
  return definitions;
}

interface DvcPlot {
  content: TopLevelSpec & { data?: { values?: Record<string, unknown>[] } };
}

function specTitle(spec: TopLevelSpec, fallback: string): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === "string") return title;
  const text = (title as { text?: unknown } | undefined)?.text;
  return typeof text === "string" ? text : fallback;
}

function imageName(id: string): string {
  return `${id.replace(/\.json$/, "").replace(/[^A-Za-z0-9_-]+/g, "-")}.svg`;
}

/** The plots whose data changed, as SVG files keyed by their path relative to the page. */
async function changedPlots(base: string): Promise<{ plots: ReviewPlot[]; images: Record<string, string> }> {
  const definitions = plotDefinitions();
  const changed = [...definitions.entries()].filter(
    ([, definition]) => !definition.duplicate && definition.files.some((file) => fileChanged(base, file)),
  );
  if (changed.length === 0) return { plots: [], images: {} };
  const rendered = (dvcJson(["plots", "diff", base, "--targets", ...changed.map(([id]) => id)]) as { data?: unknown })
    .data;
  const data = (rendered ?? {}) as Record<string, DvcPlot[]>;
  const plots: ReviewPlot[] = [];
  const images: Record<string, string> = {};
  for (const [id, definition] of changed) {
    const plot = data[id]?.[0];
    if (plot === undefined) throw new StageError(`dvc plots diff drew nothing for the plot ${id}`);
    const title = definition.title ?? specTitle(plot.content, id);
    const spec =
      definition.template === "confusion"
        ? confusionSpec(plot.content.data?.values ?? [], {
            predicted: definition.x ?? "predicted",
            actual: definition.y ?? "actual",
            title,
            revisions: [base, WORKSPACE],
          })
        : plot.content;
    const image = `${PLOTS_FOLDER}/${imageName(id)}`;
    images[image] = await renderSvg(spec);
    plots.push({ id, title, image });
  }
  return { plots, images };
}

/** Images a previous review left in the plots folder that this page does not show. */
function staleImages(folder: string, keep: ReadonlySet<string>): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith(".svg"))
    .map((name) => join(folder, name))
    .filter((path) => !keep.has(path));
}

await runStage("review", async () => {
  const options = parseArgs(process.argv.slice(2));
  checkBase(options.base);
  const params = dvcJson(["params", "diff", options.base]) as DvcDiff;
  const metrics = dvcJson(["metrics", "diff", options.base, "--all"]) as DvcDiff;
  const { plots, images } = await changedPlots(options.base);
  const page = reviewPage({
    base: options.base,
    head: WORKSPACE,
    params,
    metrics,
    plots,
    ...(options.plotsUrl === undefined ? {} : { plotsUrl: options.plotsUrl }),
  });
  const folder = dirname(resolve(options.out));
  const files: Record<string, string> = { [resolve(options.out)]: `${page}\n` };
  for (const [image, svg] of Object.entries(images)) files[join(folder, image)] = svg;
  writeOutputs(files);
  for (const stale of staleImages(join(folder, PLOTS_FOLDER), new Set(Object.keys(files)))) rmSync(stale);
  const where = relative(process.cwd(), resolve(options.out));
  console.log(`Review page: ${where} (${plots.length} changed plot${plots.length === 1 ? "" : "s"} beside it)`);
});
