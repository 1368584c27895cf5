/**
 * npm run bench:predict: poisonlab-forest's predict against scikit-learn's, interleaved in one run (issue 14:
 * 200,000 rows, 100 trees). One Node process and one Python process each fit a forest once on the same
 * training file and keep it; then the predict calls alternate between poisonlab-forest on 1 thread and on the
 * threads evaluate uses, scikit-learn n_jobs=1 and n_jobs=-1, BENCH_REPEATS rounds (7), the order reversed
 * every other round, after one untimed call of each. Each call is timed inside its process, around the predict alone. Prints every
 * round, the medians, the ratios and the load average, and writes docs/measured-predict.md.
 *
 *   BENCH_REPEATS=7 npm run bench:predict        (scripts/bench-predict.sh: installs scikit-learn into .venv)
 *
 * Data: bench:engines' files at n = 1,000,000 (scripts/bench-data.ts): its 200,000-row test file, and the
 * first TRAIN_ROWS rows of its training file, so both fits take well under a minute. A measurement, not a test.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseForestFile } from "../stages/core/forest/forest-file.ts";
import { walkedVotes } from "../stages/core/forest/tree.ts";
import { loadModelFile, modelFileText, parseModelFile, predictLabels } from "../stages/core/model.ts";
import type { TrainParams } from "../stages/core/params.ts";
import { writeTextStreamed } from "../stages/shell/atomic-streams.ts";
import { readMatrix, readTable } from "../stages/shell/csv-stream.ts";
import { readJson } from "../stages/shell/files.ts";
import { predictThreads, walkOnThreads } from "../stages/shell/forest-predict-pool.ts";
import { trainModelOnThreads } from "../stages/shell/train-model.ts";
import { IRIS, writeBenchData } from "./bench-data.ts";
import { workingTreeRevision, writeMeasuredDoc } from "./measured-doc.ts";
import { median } from "./median.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOC = "docs/measured-predict.md";
/** bench:engines' size whose test file has 200,000 rows. */
const DATA_SIZE = 1_000_000;
const TRAIN_ROWS = 100_000;
const TREES = 100;
const SEED = 42;

/** A column of the table: its name, which process answers for it, and the request it is sent. */
interface Engine {
  name: string;
  short: string;
  process: "node" | "python";
  line: string;
}

async function main(): Promise<void> {
  const repeats = Number(process.env.BENCH_REPEATS ?? 7);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error(`BENCH_REPEATS must be a whole number from 1, not "${process.env.BENCH_REPEATS}"`);
  const folder = mkdtempSync(join(tmpdir(), "poisonlab-bench-predict-"));
  const children: Child[] = [];
  try {
    process.stderr.write(`writing bench:engines' data at n = ${DATA_SIZE}\n`);
    const data = await writeBenchData(folder, DATA_SIZE);
    const train = join(folder, `train-${TRAIN_ROWS}.csv`);
    await writeFirstRows(data.train, train, TRAIN_ROWS);
    // Fitted one after the other, so neither fit slows the other.
    const node = new Child(
      "poisonlab-forest",
      spawn(
        process.execPath,
        ["--import", "tsx", fileURLToPath(import.meta.url), "--serve", train, data.test, join(folder, "model.json")],
        { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
      ),
    );
    children.push(node);
    const nodeFit = await node.read();
    process.stderr.write(`poisonlab-forest fitted: ${JSON.stringify(nodeFit)}\n`);
    const python = new Child(
      "scikit-learn",
      spawn(
        join(ROOT, ".venv/bin/python"),
        [join(ROOT, "scripts/bench_predict_sklearn.py"), train, data.test, String(SEED), String(TREES)],
        { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
      ),
    );
    children.push(python);
    const pythonFit = await python.read();
    process.stderr.write(`scikit-learn fitted: ${JSON.stringify(pythonFit)}\n`);
    const childOf = { node, python };
    const threads = nodeFit.predict_threads as number;
    const engines: Engine[] = [
      { name: "poisonlab-forest, 1 thread", short: "poisonlab 1", process: "node", line: "predict 1" },
      {
        name: `poisonlab-forest, ${threads} thread${threads === 1 ? "" : "s"}`,
        short: `poisonlab ${threads}`,
        process: "node",
        line: "predict threads",
      },
      { name: "scikit-learn n_jobs=1", short: "sklearn n_jobs=1", process: "python", line: "predict 1" },
      { name: "scikit-learn n_jobs=-1", short: "sklearn n_jobs=-1", process: "python", line: "predict -1" },
    ];
    const [poisonlabOne, poisonlabThreads, sklearnOne, sklearnAll] = engines as [Engine, Engine, Engine, Engine];
    const predict = async (engine: Engine) => (await childOf[engine.process].ask(engine.line)).seconds as number;

    // Untimed: JIT, thread pools. The first threaded call starts the workers; its time is reported on its own.
    const firstThreaded = await predict(poisonlabThreads);
    for (const engine of engines) await predict(engine);
    const before = loadavg();
    const times = new Map<Engine, number[]>(engines.map((engine) => [engine, []]));
    const rounds: string[] = [];
    for (let round = 0; round < repeats; round++) {
      const order = round % 2 === 0 ? [...engines] : [...engines].reverse();
      const loadStart = loadavg()[0] as number;
      const seconds = new Map<Engine, number>();
      for (const engine of order) seconds.set(engine, await predict(engine));
      for (const engine of engines) times.get(engine)?.push(seconds.get(engine) as number);
      const cells = engines.map((engine) => (seconds.get(engine) as number).toFixed(3));
      const loads = `${loadStart.toFixed(2)} / ${(loadavg()[0] as number).toFixed(2)}`;
      rounds.push(
        `| ${round + 1} | ${order.map((engine) => engine.short).join(", ")} | ${cells.join(" | ")} | ${loads} |`,
      );
      console.log(`round ${round + 1} of ${repeats}: ${rounds.at(-1)}`);
    }
    const after = loadavg();

    const medians = new Map(engines.map((engine) => [engine, median(times.get(engine) ?? [])]));
    const ratio = (engine: Engine, sklearn: Engine) =>
      `${engine.name} / ${sklearn.name}: ${((medians.get(engine) as number) / (medians.get(sklearn) as number)).toFixed(2)}x`;
    const lines = [
      `Load average before ${loads(before)}, after ${loads(after)}; ${availableParallelism()} cores.`,
      "",
      `| round | order | ${engines.map((engine) => `${engine.name} s`).join(" | ")} | 1-min load start / end |`,
      `| --- | --- | ${engines.map(() => "---:").join(" | ")} | --- |`,
      ...rounds,
      `| median |  | ${engines.map((engine) => (medians.get(engine) as number).toFixed(3)).join(" | ")} |  |`,
      "",
      "Ratios of the medians:",
      "",
      ...[poisonlabOne, poisonlabThreads].flatMap((engine) => [
        `- ${ratio(engine, sklearnOne)}; ${ratio(engine, sklearnAll)}`,
      ]),
      "",
      `Thread count: ${threads}, what the evaluate stage uses for these rows and trees (POISONLAB_THREADS, else one per`,
      "core, when rows x trees pay for it). The first threaded call, untimed above, also started the workers, from",
      `the sources through tsx (the stages start them from their bundle): ${firstThreaded.toFixed(3)} s.`,
      "",
      "For context, not measured side by side: poisonlab-forest fitted in " +
        `${nodeFit.fit_seconds?.toFixed(1)} s on ${nodeFit.threads} threads (model file ${nodeFit.model_bytes} bytes), ` +
        `scikit-learn ${pythonFit.version} in ${pythonFit.fit_seconds?.toFixed(1)} s with n_jobs=-1; clean-test accuracy ` +
        `${nodeFit.accuracy?.toFixed(4)} and ${pythonFit.accuracy?.toFixed(4)}.`,
    ];
    console.log(`\n${lines.join("\n")}`);
    writeDoc(repeats, lines);
  } finally {
    for (const child of children) child.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A long-lived measuring process: one request line on its stdin, one JSON line back on its stdout. */
class Child {
  private readonly lines: AsyncIterator<string>;
  constructor(
    private readonly name: string,
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
  ) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }
  async read(): Promise<Record<string, number | undefined>> {
    const next = await this.lines.next();
    if (next.done) throw new Error(`the ${this.name} process ended early (its messages are above)`);
    return JSON.parse(next.value as string);
  }
  ask(line: string): Promise<Record<string, number | undefined>> {
    this.child.stdin.write(`${line}\n`);
    return this.read();
  }
  close(): void {
    this.child.stdin.end();
  }
}

/** The header and the first `rows` rows of a CSV file. */
async function writeFirstRows(source: string, target: string, rows: number): Promise<void> {
  const kept: string[] = [];
  for await (const line of createInterface({ input: createReadStream(source) })) {
    kept.push(line);
    if (kept.length > rows) break;
  }
  if (kept.length <= rows) throw new Error(`${source} has fewer than ${rows} rows`);
  writeFileSync(target, `${kept.join("\n")}\n`);
}

/**
 * The poisonlab-forest side, in its own process: trains as the train stage does, writes the model file,
 * loads it as evaluate does, then times predictLabels on the test rows for every "predict" line on stdin.
 */
async function serve(train: string, test: string, modelPath: string): Promise<void> {
  const params: TrainParams = {
    engine: "poisonlab-forest",
    n_estimators: TREES,
    max_features: null,
    max_depth: null,
    min_samples_split: 2,
    min_samples_leaf: 1,
    max_bins: null,
    seed: SEED,
  };
  const matrix = await readMatrix(train, IRIS.schema);
  const fitStart = performance.now();
  const { model, threads } = await trainModelOnThreads(matrix, params, IRIS.schema);
  const fitSeconds = (performance.now() - fitStart) / 1000;
  await writeTextStreamed(modelPath, modelFileText(model));
  // As evaluate loads it (walkOnThreads()), and held to one thread.
  const { classifier, schema } = loadModelFile(readJson(modelPath), modelPath, undefined, walkOnThreads());
  const oneThread = loadModelFile(readJson(modelPath), modelPath, undefined, walkOnThreads(1)).classifier;
  const rows = await readTable(test, schema);
  const features = rows.map((row) => row.features);
  const reference = walkedLabels(modelPath, features);
  const check = (labels: number[]) => {
    const wrong = labels.findIndex((label, i) => label !== reference[i]);
    if (wrong >= 0 || labels.length !== reference.length)
      throw new Error(`poisonlab-forest predicted another label than the tree walk at test row ${wrong}`);
  };
  check(predictLabels(oneThread, features));
  const correct = rows.filter((row, i) => row.label === reference[i]).length;
  answer({
    fit_seconds: fitSeconds,
    threads,
    model_bytes: statSync(modelPath).size,
    predict_threads: predictThreads(features.length, TREES),
    accuracy: correct / rows.length,
  });
  for await (const line of createInterface({ input: process.stdin })) {
    const chosen = { "predict 1": oneThread, "predict threads": classifier }[line];
    if (chosen === undefined) throw new Error(`bench-predict --serve: unknown request "${line}"`);
    const start = performance.now();
    const labels = predictLabels(chosen, features);
    const seconds = (performance.now() - start) / 1000;
    check(labels);
    answer({ seconds });
  }
}

/** The reference labels: every tree of the model file walked node by node, majority vote, ties to the lower class. */
function walkedLabels(modelPath: string, features: readonly number[][]): number[] {
  const file = parseModelFile(readJson(modelPath), modelPath);
  const forest = parseForestFile(file.forest, modelPath, {
    featureCount: file.features.length,
    classCount: file.classes.length,
  });
  const columns = file.features.map((_, f) => Float64Array.from(features, (row) => row[f] as number));
  return walkedVotes(forest, columns).map((votes) => votes.indexOf(Math.max(...votes)));
}

function answer(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function loads(values: number[]): string {
  return values.map((value) => value.toFixed(2)).join(" ");
}

function writeDoc(repeats: number, lines: string[]): void {
  writeMeasuredDoc(DOC, [
    "# Prediction: poisonlab-forest against scikit-learn, interleaved",
    "",
    `Written by \`BENCH_REPEATS=${repeats} npm run bench:predict\` (scripts/bench-predict.ts) on ${new Date().toISOString().slice(0, 10)},`,
    `measuring ${workingTreeRevision()}.`,
    "",
    `Data: \`npm run bench:engines\`' files at n = ${DATA_SIZE.toLocaleString("en")} (synthetic IRIS-like rows, the pipeline's`,
    `prepare output): its test file of 200,000 rows, and the first ${TRAIN_ROWS.toLocaleString("en")} rows of its training file.`,
    `Both engines fit ${TREES} trees, seed ${SEED}, otherwise their defaults: poisonlab-forest with exact splits (the train`,
    "section's defaults), trained as the train stage does, written as its model file and loaded from it as evaluate",
    `does; scikit-learn's RandomForestClassifier(n_estimators=${TREES}, random_state=${SEED}). Each is fitted once and kept in`,
    "its own long-lived process (Node, and .venv's Python); the predict calls then alternate between them.",
    "",
    "Timed, inside each process, with the model loaded and the test rows in memory, labels for all 200,000 rows:",
    "",
    "- poisonlab-forest: `predictLabels(classifier, rows)`, what evaluate calls (stages/core/forest/forest-predict.ts):",
    "  the rows (number arrays) sorted along a Z-order curve of their values, so that neighbours take the same",
    "  turns, and copied row by row; then each tree walked over a chunk of rows (up to 16,384) at a time, a row dropped once",
    "  no class can overtake its leader; then the most voted class. The trees were packed when the model loaded.",
    "  On 1 thread, and on the threads evaluate uses: chunks shared out between this thread and workers;",
    "- scikit-learn: `forest.predict(x_test)` on a float64 matrix, with `forest.n_jobs` set to 1 or -1 before:",
    "  the input check (a float32 copy), every tree's probabilities summed, then the most probable class.",
    "",
    `One untimed call of each first, then ${repeats} round${repeats === 1 ? "" : "s"}, the order reversed every other round. Checked`,
    "outside the timed region, on every call: poisonlab-forest's labels equal a plain walk of every tree of the",
    "model file (majority vote, ties to the lower class); scikit-learn's labels are the same on every call.",
    "",
    ...lines,
  ]);
}

// Last: the class above must be initialised before main uses it.
if (process.argv[2] === "--serve") {
  const [train, test, model] = process.argv.slice(3);
  await serve(train ?? "", test ?? "", model ?? "");
} else {
  await main();
}
