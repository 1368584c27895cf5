/**
 * npm run bench:engines: poisonlab-forest against ml-random-forest and scikit-learn, side by side in one
 * run, on identical CSV files (the pipeline's own prepare output: IRIS at n = 150, synthetic IRIS-like rows
 * above). Each measurement runs in a fresh process, so its peak memory is its own; fit times are medians.
 * Prints fit and predict time, the model's size, peak memory, clean-test accuracy, and the fit and predict
 * ratios to scikit-learn with n_jobs=1 and n_jobs=-1. The model's size is the bytes of the model file as the
 * train stage writes it (models/model.json), for scikit-learn those of its pickle, for reference. Not a test: the figures depend on the machine and on what else it is doing.
 *
 *   sh scripts/bench.sh [--sizes 150,1000,10000,100000,1000000] [--repeats 3] [--seeds 10] [--seeds-large 3]
 *                       [--trees 100] [--json out.json]
 *   node --import tsx scripts/bench-engines.ts --report out.json     (the table of a saved run, again)
 * --repeats: runs of every engine (timing medians); --seeds: runs of the fastest configurations, whose
 * accuracies are compared over seeds 1..N; --seeds-large: the same at 500,000 training rows and more,
 * where scikit-learn takes minutes a fit and the 200,000-row test set makes seed-to-seed noise tiny.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { forestSettings, threadsWorthUsing } from "../stages/core/forest/engine.ts";
import { ForestFile } from "../stages/core/forest/forest-file.ts";
import { forestProbabilities, trainForest } from "../stages/core/forest/train-forest.ts";
import {
  loadModel,
  type ModelFile,
  modelFileText,
  predictLabels,
  trainModel,
  wrapModel,
} from "../stages/core/model.ts";
import type { TrainParams } from "../stages/core/params.ts";
import { readMatrix, readTable } from "../stages/shell/csv-stream.ts";
import { trainForestInThreads } from "../stages/shell/forest-pool.ts";
import { IRIS, writeBenchData } from "./bench-data.ts";
import { median } from "./median.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ENGINES = [
  "ml-random-forest",
  "poisonlab-forest",
  "poisonlab-forest, threads",
  "scikit-learn n_jobs=1",
  "scikit-learn n_jobs=-1",
] as const;
type Engine = (typeof ENGINES)[number];
/** Predict calls per measurement (median), here and in scripts/bench_sklearn.py. */
const PREDICTS = 3;
// Its fit time grows with the square of the rows (docs/background.md, "ml-random-forest's cost").
const MLJS_MAX_ROWS = 1000;

/** What one measurement process prints. */
interface Measurement {
  fit_seconds: number[];
  predict_seconds: number;
  /** Bytes of the model file (scikit-learn: of the pickled forest); absent in runs saved before it was measured. */
  model_bytes?: number;
  accuracy: number;
  peak_mib: number;
  threads?: number;
}

const IRIS_SCHEMA = IRIS.schema;

if (process.argv[2] === "--one") {
  const [engine, train, test, seed, fits, trees] = process.argv.slice(3);
  console.log(
    JSON.stringify(await measureNodeEngine(engine as Engine, train!, test!, Number(seed), Number(fits), Number(trees))),
  );
} else if (process.argv[2] === "--report") {
  // Prints the table of a run saved with --json again.
  const saved = JSON.parse(readFileSync(process.argv[3] ?? "", "utf8"));
  console.log(report(saved.results, saved.options, saved.started, saved.ended));
} else {
  await main(parseOptions(process.argv.slice(2)));
}

interface Options {
  sizes: number[];
  repeats: number;
  seeds: number;
  seedsLarge: number;
  trees: number;
  json: string | null;
}

function parseOptions(args: string[]): Options {
  const options: Options = {
    sizes: [150, 1000, 10_000, 100_000, 1_000_000],
    repeats: 3,
    seeds: 10,
    seedsLarge: 3,
    trees: 100,
    json: null,
  };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1] ?? ""];
    if (flag === "--sizes") options.sizes = value.split(",").map(Number);
    else if (flag === "--repeats") options.repeats = Number(value);
    else if (flag === "--seeds") options.seeds = Number(value);
    else if (flag === "--seeds-large") options.seedsLarge = Number(value);
    else if (flag === "--trees") options.trees = Number(value);
    else if (flag === "--json") options.json = value;
    else throw new Error(`unknown option ${flag}; see the comment at the top of scripts/bench-engines.ts`);
  }
  return options;
}

async function main(options: Options): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "poisonlab-bench-"));
  const started = { load: loadavg(), time: Date.now() };
  const results: Array<{ size: number; train: number; test: number; engine: Engine; runs: Measurement[] }> = [];
  try {
    for (const size of options.sizes) {
      const { train, test, trainRows, testRows } = await writeBenchData(folder, size);
      // Accuracy needs many seeds, timing a few repeats: the fastest configurations run every seed.
      const seeds = trainRows >= 500_000 ? options.seedsLarge : options.seeds;
      const runsOf = (engine: Engine) =>
        engine === "poisonlab-forest, threads" || engine === "scikit-learn n_jobs=-1"
          ? Math.max(options.repeats, seeds)
          : options.repeats;
      const engines = ENGINES.filter((engine) => engine !== "ml-random-forest" || trainRows <= MLJS_MAX_ROWS);
      const runs = new Map<Engine, Measurement[]>(engines.map((engine) => [engine, []]));
      const fits = trainRows <= 1000 ? 21 : 1; // small fits repeat in-process: the median is a warm one
      for (let repeat = 0; repeat < Math.max(...engines.map(runsOf)); repeat++) {
        for (const engine of engines.filter((e) => repeat < runsOf(e))) {
          const measured = measure(engine, train, test, repeat + 1, fits, options.trees);
          runs.get(engine)?.push(measured);
          process.stderr.write(
            `n=${size} ${engine} seed ${repeat + 1}: fit ${median(measured.fit_seconds).toFixed(3)} s, accuracy ${measured.accuracy.toFixed(4)}\n`,
          );
        }
      }
      for (const engine of ENGINES)
        results.push({ size, train: trainRows, test: testRows, engine, runs: runs.get(engine) ?? [] });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const ended = { load: loadavg(), time: Date.now() };
  console.log(report(results, options, started, ended));
  if (options.json !== null)
    writeFileSync(options.json, `${JSON.stringify({ options, started, ended, results }, null, 1)}\n`);
}

function measure(engine: Engine, train: string, test: string, seed: number, fits: number, trees: number): Measurement {
  const sklearn = engine.startsWith("scikit-learn");
  const command = sklearn ? join(ROOT, ".venv/bin/python") : process.execPath;
  const args = sklearn
    ? [
        join(ROOT, "scripts/bench_sklearn.py"),
        train,
        test,
        String(seed),
        engine.endsWith("-1") ? "-1" : "1",
        String(fits),
        String(trees),
      ]
    : [
        "--import",
        "tsx",
        fileURLToPath(import.meta.url),
        "--one",
        engine,
        train,
        test,
        String(seed),
        String(fits),
        String(trees),
      ];
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`${engine} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as Measurement;
}

/** One measurement of a Node engine, in this (fresh) process. */
async function measureNodeEngine(
  engine: Engine,
  train: string,
  test: string,
  seed: number,
  fits: number,
  trees: number,
): Promise<Measurement> {
  const params: TrainParams = {
    engine: "poisonlab-forest",
    n_estimators: trees,
    max_features: null,
    max_depth: null,
    min_samples_split: 2,
    min_samples_leaf: 1,
    seed,
  };
  const matrix = await readMatrix(train, IRIS_SCHEMA);
  const testRows = await readTable(test, IRIS_SCHEMA);
  const actual = testRows.map((row) => row.label);
  const testColumns = [0, 1, 2, 3].map((f) => Float64Array.from(testRows, (row) => row.features[f] as number));
  const fitSeconds: number[] = [];
  let predict: () => number[] = () => [];
  let modelBytes = 0;
  let threads = 1;
  for (let i = 0; i < fits; i++) {
    const start = performance.now();
    switch (engine) {
      case "ml-random-forest": {
        const model = trainModel(
          matrix,
          { ...params, engine: "ml-random-forest", min_samples_leaf: undefined },
          IRIS_SCHEMA,
        );
        fitSeconds.push((performance.now() - start) / 1000);
        // Loaded from its file's text, as evaluate loads it (the in-memory forest holds objects, not JSON).
        const text = [...modelFileText(model)].join("");
        modelBytes = Buffer.byteLength(text);
        const classifier = loadModel(JSON.parse(text), "in memory");
        predict = () =>
          predictLabels(
            classifier,
            testRows.map((row) => row.features),
          );
        break;
      }
      case "poisonlab-forest":
      case "poisonlab-forest, threads": {
        const settings = forestSettings(params, matrix.columns.length);
        threads = engine === "poisonlab-forest" ? 1 : threadsWorthUsing(matrix.rowCount, trees, availableParallelism());
        const forest =
          threads === 1 ? trainForest(matrix, settings) : await trainForestInThreads(matrix, settings, threads);
        fitSeconds.push((performance.now() - start) / 1000);
        modelBytes = fileBytes(wrapModel(params, IRIS_SCHEMA, new ForestFile(forest)));
        predict = () => forestProbabilities(forest, testColumns).map((shares) => shares.indexOf(Math.max(...shares)));
        break;
      }
      case "scikit-learn n_jobs=1":
      case "scikit-learn n_jobs=-1":
        throw new Error(`${engine} is measured by scripts/bench_sklearn.py, not in Node`);
      default: {
        const unreachable: never = engine;
        throw new Error(`no measurement for engine ${String(unreachable)}`);
      }
    }
  }
  // Predict is cheap beside fit: the median of PREDICTS calls, as bench_sklearn.py does.
  let predicted: number[] = [];
  const predictTimes: number[] = [];
  for (let i = 0; i < PREDICTS; i++) {
    const start = performance.now();
    predicted = predict();
    predictTimes.push((performance.now() - start) / 1000);
  }
  const predictSeconds = median(predictTimes);
  return {
    fit_seconds: fitSeconds,
    predict_seconds: predictSeconds,
    model_bytes: modelBytes,
    accuracy: actual.filter((label, i) => label === predicted[i]).length / actual.length,
    peak_mib: process.resourceUsage().maxRSS / 1024,
    threads,
  };
}

/** Bytes of the model file the train stage would write. */
function fileBytes(model: ModelFile): number {
  let bytes = 0;
  for (const chunk of modelFileText(model)) bytes += Buffer.byteLength(chunk);
  return bytes;
}

function report(
  results: Array<{ size: number; train: number; test: number; engine: Engine; runs: Measurement[] }>,
  options: Options,
  started: { load: number[]; time: number },
  ended: { load: number[]; time: number },
): string {
  const lines = [
    `| n (train / test rows) | engine | fit s | predict s | model bytes | peak MiB | clean-test accuracy (seeds) | vs sklearn acc | fit / sklearn n_jobs=1 | fit / sklearn n_jobs=-1 | predict / sklearn n_jobs=1 | predict / sklearn n_jobs=-1 |`,
    `|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|`,
  ];
  for (const size of options.sizes) {
    const rows = results.filter((result) => result.size === size);
    /** The median over an engine's runs of one figure of each run; NaN for an engine that did not run. */
    const medianOf = (engine: Engine, figure: (run: Measurement) => number) => {
      const runs = rows.find((row) => row.engine === engine)?.runs ?? [];
      return runs.length === 0 ? Number.NaN : median(runs.map(figure));
    };
    const fitOf = (engine: Engine) => medianOf(engine, (run) => median(run.fit_seconds));
    const predictOf = (engine: Engine) => medianOf(engine, (run) => run.predict_seconds);
    const sklearnAccuracy = mean(
      rows.find((row) => row.engine === "scikit-learn n_jobs=-1")?.runs.map((run) => run.accuracy) ?? [],
    );
    for (const { engine, runs, train, test } of rows) {
      const label = `${size.toLocaleString("en")} (${train} / ${test})`;
      if (runs.length === 0) {
        lines.push(
          `| ${label} | ${engine} | skipped: fit time grows with rows², see docs/background.md | | | | | | | | | |`,
        );
        continue;
      }
      const accuracies = runs.map((run) => run.accuracy);
      const threads = runs[0]?.threads ?? 1;
      const names: Partial<Record<Engine, string>> = {
        "poisonlab-forest": "poisonlab-forest, 1 thread",
        "poisonlab-forest, threads": `poisonlab-forest as the train stage runs it: ${threads} thread${threads === 1 ? "" : "s"}`,
      };
      const name = names[engine] ?? engine;
      lines.push(
        `| ${label} | ${name} | ${fitOf(engine).toFixed(3)} | ${predictOf(engine).toFixed(3)} | ${runs[0]?.model_bytes ?? ""} | ${median(runs.map((run) => run.peak_mib)).toFixed(0)} | ` +
          `${mean(accuracies).toFixed(4)} ± ${sd(accuracies).toFixed(4)} (${runs.length}) | ${signed(mean(accuracies) - sklearnAccuracy)} | ` +
          `${(fitOf(engine) / fitOf("scikit-learn n_jobs=1")).toFixed(2)}x | ${(fitOf(engine) / fitOf("scikit-learn n_jobs=-1")).toFixed(2)}x | ` +
          `${(predictOf(engine) / predictOf("scikit-learn n_jobs=1")).toFixed(2)}x | ${(predictOf(engine) / predictOf("scikit-learn n_jobs=-1")).toFixed(2)}x |`,
      );
    }
  }
  const minutes = ((ended.time - started.time) / 60_000).toFixed(1);
  lines.push(
    "",
    `${options.trees} trees; predict: the whole test file (probabilities, then labels), median of ${PREDICTS} calls in a run, then over runs; model bytes: the first run's;`,
    `fit: median over runs (runs at <= 1000 training rows take the median of 21 fits in one process, so JIT warm-up is excluded);`,
    `accuracy: mean ± sd over seeds 1..N on the clean test file; vs sklearn acc: difference to scikit-learn's mean over its seeds.`,
    `${availableParallelism()} cores; load average ${started.load.map((l) => l.toFixed(2)).join(" ")} at the start, ${ended.load.map((l) => l.toFixed(2)).join(" ")} at the end; ${minutes} minutes.`,
  );
  return lines.join("\n");
}

/** A difference with its sign, 4 decimals; a difference that rounds to zero reads +0.0000. */
function signed(value: number): string {
  const text = value.toFixed(4);
  return text.startsWith("-") && Number(text) !== 0 ? text : `+${text.replace("-", "")}`;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function sd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}
