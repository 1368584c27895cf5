/**
 * Benchmark of the CSV stages at scale (npm run bench:csv): prepare, poison (label_flip 10 %) and sanitize
 * (method none) on a user-style CSV of BENCH_ROWS rows (default 1,000,000; scripts/generate-wide-csv.ts),
 * for two git revisions side by side: BENCH_BASE (default main) and BENCH_HEAD (default HEAD). Each revision
 * runs in a throw-away copy (git archive) with the repository's node_modules; the stages alternate between
 * the two, BENCH_REPEATS times (default 3), so machine load hits both alike. Prints the medians of CPU
 * time (user + sys), wall time and peak RSS of each stage, measured by GNU time (`/usr/bin/time -v`), the
 * load average before and after, and whether the two revisions wrote the same bytes.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median } from "./median.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const REVISIONS = [process.env.BENCH_BASE ?? "main", process.env.BENCH_HEAD ?? "HEAD"];
const STAGES = ["prepare", "poison", "sanitize"];
const OUTPUTS = [
  "data/prepared/schema.json",
  "data/prepared/train.csv",
  "data/prepared/test.csv",
  "data/poisoned/train.csv",
  "data/poisoned/manifest.json",
  "data/sanitized/train.csv",
  "data/sanitized/flags.json",
  "metrics/sanitize-details.json",
];

if (!existsSync("/usr/bin/time"))
  throw new Error("GNU time (/usr/bin/time) is needed to measure CPU time and peak RSS");
const root = resolve(".");
const work = mkdtempSync(join(tmpdir(), "poisonlab-bench-csv-"));

interface Sample {
  cpu: number;
  wall: number;
  rssMb: number;
}

/** The figure GNU time's verbose report gives for `label`. */
function reported(report: string, label: string): string {
  const value = new RegExp(`${label}: (.+)`).exec(report)?.[1];
  if (value === undefined) throw new Error(`no "${label}" in GNU time's report:\n${report}`);
  return value.trim();
}

function seconds(clock: string): number {
  return clock.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

function runStage(dir: string, stage: string): Sample {
  const result = spawnSync("/usr/bin/time", ["-v", "node", "stages/run.mjs", stage], { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${stage} in ${dir} failed:\n${result.stderr}`);
  const report = result.stderr;
  return {
    cpu: Number(reported(report, "User time \\(seconds\\)")) + Number(reported(report, "System time \\(seconds\\)")),
    wall: seconds(reported(report, "Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)")),
    rssMb: Number(reported(report, "Maximum resident set size \\(kbytes\\)")) / 1024,
  };
}

/** A copy of the repository at `revision`, set to read the wide CSV. */
function checkout(revision: string, index: number, csv: string): string {
  const dir = join(work, `rev-${index}`);
  execFileSync("sh", ["-c", `mkdir -p "${dir}" && git archive "${revision}" | tar -x -C "${dir}"`], { cwd: root });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  copyFileSync(csv, join(dir, "data/raw/wide.csv"));
  const params = join(dir, "params.yaml");
  let text = readFileSync(params, "utf8");
  for (const [pattern, value] of [
    [/^( {2}source:) iris\b/m, "$1 wide"],
    [/^( {2}label:) {12}/m, "$1 label      "],
  ] as const) {
    if (!pattern.test(text)) throw new Error(`params.yaml of ${revision}: no line matching ${pattern}`);
    text = text.replace(pattern, value);
  }
  if (!/^ {2}method: none\b/m.test(text)) throw new Error(`params.yaml of ${revision}: defense.method is not none`);
  writeFileSync(params, text);
  return dir;
}

function digest(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

try {
  const csv = join(work, "wide.csv");
  execFileSync("node", ["--import", "tsx", "scripts/generate-wide-csv.ts", csv, String(ROWS)], { cwd: root });
  const dirs = REVISIONS.map((revision, index) => checkout(revision, index, csv));
  const before = loadavg();
  const samples = dirs.map(() => new Map<string, Sample[]>(STAGES.map((stage) => [stage, []])));
  for (let round = 0; round < REPEATS; round++) {
    for (const stage of STAGES) {
      for (const [index, dir] of dirs.entries()) samples[index]?.get(stage)?.push(runStage(dir, stage));
    }
  }
  const after = loadavg();
  const figure = (values: number[], digits: number) => median(values).toFixed(digits);
  console.log(`${ROWS} rows x 21 columns; medians of ${REPEATS} runs; CPU = user + sys`);
  console.log(
    `load average before ${before.map((x) => x.toFixed(2)).join(" ")}, after ${after.map((x) => x.toFixed(2)).join(" ")}`,
  );
  console.log(`| stage | ${REVISIONS.map((r) => `${r} CPU s | ${r} wall s | ${r} peak RSS MB`).join(" | ")} |`);
  console.log(`| --- |${" --- | --- | --- |".repeat(REVISIONS.length)}`);
  for (const stage of [...STAGES, "total"]) {
    const cells = samples.map((byStage) => {
      const runs = stage === "total" ? STAGES.map((s) => byStage.get(s) ?? []) : [byStage.get(stage) ?? []];
      const sum = (pick: (sample: Sample) => number) =>
        runs.map((list) => median(list.map(pick))).reduce((a, b) => a + b, 0);
      const rss =
        stage === "total"
          ? ""
          : figure(
              (runs[0] ?? []).map((sample) => sample.rssMb),
              0,
            );
      return `${sum((s) => s.cpu).toFixed(1)} | ${sum((s) => s.wall).toFixed(1)} | ${rss}`;
    });
    console.log(`| ${stage} | ${cells.join(" | ")} |`);
  }
  const differing = OUTPUTS.filter((output) => new Set(dirs.map((dir) => digest(join(dir, output)))).size > 1);
  console.log(differing.length === 0 ? "outputs: byte-identical" : `outputs that differ: ${differing.join(", ")}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
