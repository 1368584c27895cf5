/**
 * Exact splits against histogram splits (train.max_bins), side by side in one run: poisonlab-forest's fit
 * wall and CPU time, peak memory and test accuracy on a prepared training set (e.g. the pipeline's
 * data/sanitized/train.csv, data/prepared/test.csv and schema.json of a run on scripts/generate-wide-csv.ts's
 * data), at the row counts asked (the first rows of the training file), then accuracy over seeds on the bundled
 * wine and breast_cancer sets. Each fit on the large set runs in a fresh process, so its peak memory is its own.
 * Not a test: the figures depend on the machine and on what else it is doing. Without --train, only the
 * bundled sets run.
 *
 *   npm run bench:max-bins -- --train T.csv --test T.csv --schema schema.json
 *        [--sizes 100000,1000000] [--exact-sizes 100000] [--bins 255] [--trees 100] [--threads 2] [--seeds 20]
 * --exact-sizes: the sizes at which exact splits run too (they take ~11 CPU minutes at a million rows).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dataChoice, rawFile } from "../stages/core/data-source.ts";
import type { Row } from "../stages/core/dataset.ts";
import type { FeatureMatrix } from "../stages/core/forest/matrix.ts";
import { matrixFromRows } from "../stages/core/forest/matrix.ts";
import { type ForestSettings, forestProbabilities, trainForest } from "../stages/core/forest/train-forest.ts";
import { loadDataset } from "../stages/core/raw-table.ts";
import { createRng } from "../stages/core/rng.ts";
import { stratifiedSplit } from "../stages/core/split.ts";
import { readMatrix, readTable } from "../stages/shell/csv-stream.ts";
import { readSchema } from "../stages/shell/files.ts";
import { trainForestInThreads } from "../stages/shell/forest-pool.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Measurement {
  rows: number;
  max_bins: number | null;
  fit_seconds: number;
  fit_cpu_seconds: number;
  peak_mib: number;
  accuracy: number;
}

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? "", process.argv[i + 1] ?? "");
const trees = Number(args.get("--trees") ?? 100);
const threads = Number(args.get("--threads") ?? 2);
const bins = Number(args.get("--bins") ?? 255);

if (args.has("--one")) {
  const [rows, maxBins] = (args.get("--one") as string).split(":");
  const measured = await measureOne(Number(rows), maxBins === "exact" ? null : Number(maxBins));
  console.log(JSON.stringify(measured));
} else {
  await main();
}

function settingsFor(featureCount: number, seed: number, maxBins: number | null): ForestSettings {
  return {
    trees,
    seed,
    maxFeatures: Math.max(1, Math.floor(Math.sqrt(featureCount))),
    maxDepth: Number.POSITIVE_INFINITY,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    ...(maxBins === null ? {} : { maxBins }),
  };
}

function accuracy(forest: ReturnType<typeof trainForest>, test: readonly Row[]): number {
  const columns = Array.from({ length: forest.featureCount }, (_, f) =>
    Float64Array.from(test, (row) => row.features[f] as number),
  );
  const shares = forestProbabilities(forest, columns);
  let right = 0;
  shares.forEach((row, i) => {
    if (row.indexOf(Math.max(...row)) === test[i]?.label) right++;
  });
  return right / test.length;
}

/** The first `rows` rows of a matrix. */
function firstRows(matrix: FeatureMatrix, rows: number): FeatureMatrix {
  const count = Math.min(rows, matrix.rowCount);
  return {
    rowCount: count,
    classCount: matrix.classCount,
    columns: matrix.columns.map((column) => column.slice(0, count)),
    labels: matrix.labels.slice(0, count),
  };
}

async function measureOne(rows: number, maxBins: number | null): Promise<Measurement> {
  const schema = readSchema(args.get("--schema") as string);
  const matrix = firstRows(await readMatrix(args.get("--train") as string, schema), rows);
  const test = await readTable(args.get("--test") as string, schema);
  const cpu = process.cpuUsage(); // the whole process: this thread and the pool's workers
  const start = performance.now();
  const forest = await trainForestInThreads(matrix, settingsFor(matrix.columns.length, 1, maxBins), threads);
  const fitSeconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    rows: matrix.rowCount,
    max_bins: maxBins,
    fit_seconds: fitSeconds,
    fit_cpu_seconds: (used.user + used.system) / 1e6,
    peak_mib: process.resourceUsage().maxRSS / 1024,
    accuracy: accuracy(forest, test),
  };
}

function spawnOne(rows: number, maxBins: number | null): Measurement {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), ...[...args].flat(), "--one", `${rows}:${maxBins ?? "exact"}`],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (result.status !== 0) throw new Error(`rows ${rows}, max_bins ${maxBins} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as Measurement;
}

async function main(): Promise<void> {
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(" ");
  console.log(`poisonlab-forest, ${trees} trees, sqrt features; load average (1, 5, 15 min) at start: ${load()}\n`);
  if (args.has("--train")) {
    const sizes = (args.get("--sizes") ?? "100000,1000000").split(",").map(Number);
    const exactSizes = new Set((args.get("--exact-sizes") ?? "100000").split(",").map(Number));
    console.log(`${threads} threads, one fresh process per fit; fit CPU is user + system of all threads\n`);
    console.log(
      "| training rows | max_bins | fit wall (s) | fit CPU (s) | peak RSS (MiB) | test accuracy | load after |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    for (const size of sizes) {
      for (const maxBins of exactSizes.has(size) ? [null, bins] : [bins]) {
        const m = spawnOne(size, maxBins);
        console.log(
          `| ${m.rows} | ${m.max_bins ?? "null (exact)"} | ${m.fit_seconds.toFixed(1)} | ${m.fit_cpu_seconds.toFixed(1)} | ${m.peak_mib.toFixed(0)} | ${m.accuracy.toFixed(4)} | ${load()} |`,
        );
      }
    }
  }
  const seeds = Number(args.get("--seeds") ?? 20);
  console.log(`\nBundled sets: mean test accuracy over split seeds 1..${seeds} (test_size 0.2), one thread\n`);
  const binChoices = [null, bins, 64, 16];
  console.log(
    `| data set | most distinct values of a feature (training split) | ${binChoices.map((b) => `max_bins ${b ?? "null (exact)"}`).join(" | ")} |`,
  );
  console.log(`| --- | --- | ${binChoices.map(() => "---").join(" | ")} |`);
  for (const source of ["wine", "breast_cancer"]) {
    const data = loadDataset(readFileSync(join(ROOT, rawFile(source)), "utf8"), source, dataChoice({ source }));
    const sums = binChoices.map(() => 0);
    let distinct = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const split = stratifiedSplit(data.rows, 0.2, createRng(seed));
      const matrix = matrixFromRows(split.train, data.schema.classes.length);
      for (const column of matrix.columns) distinct = Math.max(distinct, new Set(column).size);
      binChoices.forEach((maxBins, i) => {
        const forest = trainForest(matrix, settingsFor(matrix.columns.length, seed, maxBins));
        sums[i] = (sums[i] as number) + accuracy(forest, split.test);
      });
    }
    console.log(`| ${source} | ${distinct} | ${sums.map((sum) => (sum / seeds).toFixed(4)).join(" | ")} |`);
  }
  console.log(`\nload average at end: ${load()}`);
}
