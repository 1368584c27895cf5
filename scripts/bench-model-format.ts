// npm run bench:model-format: the poisonlab-forest model file in format version 1 (JSON number arrays, what
// poisonlab wrote before) and version 2 (compact columns, what it writes now), side by side for one forest.
//   node --import tsx scripts/bench-model-format.ts [--model models/model.json] [--repeats 5] [--write-doc]
// --model: a poisonlab-forest model file of either version; its forest is written in both versions to a
// temporary folder (the text train writes, envelope included). For the scale target's forest:
//   MEASURE_KEEP_MODEL=/some/where/model.json npm run measure:scale
//   npm run bench:model-format -- --model /some/where/model.json --write-doc
// Prints the bytes of each and its load time: a fresh process reads the file and loads the model as evaluate
// does (readJson, then loadModelFile: the envelope, the forest checked and decoded), timed inside the process.
// Loads alternate between the versions; medians of --repeats. Both versions must load to the same forest.
// --write-doc also writes docs/measured-model-format.md. A measurement, not a test.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ForestFile, parseForestFile } from "../stages/core/forest/forest-file.ts";
import { forestV1Json } from "../stages/core/forest/forest-file-v1.ts";
import { loadModelFile, type ModelFile, modelFileText, parseModelFile } from "../stages/core/model.ts";
import { writeTextStreamed } from "../stages/shell/atomic-streams.ts";
import { readJson } from "../stages/shell/files.ts";
import { workingTreeRevision, writeMeasuredDoc } from "./measured-doc.ts";
import { median } from "./median.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOC = "docs/measured-model-format.md";

if (process.argv[2] === "--load") {
  // One load in this fresh process: what evaluate does before it predicts.
  const path = process.argv[3] ?? "";
  const start = performance.now();
  loadModelFile(readJson(path), path);
  console.log(JSON.stringify({ seconds: (performance.now() - start) / 1000 }));
} else {
  await main();
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      model: { type: "string", default: "models/model.json" },
      repeats: { type: "string", default: "5" },
      "write-doc": { type: "boolean", default: false },
    },
  });
  const source = args.model as string;
  const repeats = Number(args.repeats);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error(`--repeats: expected a positive integer, got ${args.repeats}`);
  const model = parseModelFile(readJson(source), source);
  if (model.engine !== "poisonlab-forest") throw new Error(`${source}: a ${model.engine} model, not poisonlab-forest`);
  const expected = { featureCount: model.features.length, classCount: model.classes.length };
  const forest = parseForestFile(model.forest, source, expected);
  const folder = mkdtempSync(join(tmpdir(), "poisonlab-model-format-"));
  const started = loadavg();
  try {
    const versions = {
      "version 1 (JSON number arrays)": { ...model, forest: forestV1Json(forest) },
      "version 2 (compact columns)": { ...model, forest: new ForestFile(forest) },
    } satisfies Record<string, ModelFile>;
    const files = await Promise.all(
      Object.entries(versions).map(async ([name, file], index) => {
        const path = join(folder, `model-v${index + 1}.json`);
        await writeTextStreamed(path, modelFileText(file));
        return { name, path, bytes: statSync(path).size, seconds: [] as number[] };
      }),
    );
    // Both files hold the very forest of the model given.
    for (const { path } of files) {
      const written = parseModelFile(readJson(path), path);
      assert.deepEqual(parseForestFile(written.forest, path, expected), forest, `${path}: not the same forest`);
    }
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const file of files) file.seconds.push(loadSeconds(file.path));
      process.stderr.write(`repeat ${repeat + 1}/${repeats}\n`);
    }
    const ended = loadavg();
    const splits = forest.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
    const [v1, v2] = files as [(typeof files)[number], (typeof files)[number]];
    const lines = [
      `Model: ${forest.trees.length} trees, ${splits} splits, ${forest.featureCount} features, ${forest.classCount} classes` +
        ` (train.max_bins: ${model.params.max_bins ?? "null"}).`,
      "",
      `| format | model.json bytes | bytes / split | load s (median of ${repeats}) | load s, all runs |`,
      "|---|---:|---:|---:|---|",
      ...files.map(
        ({ name, bytes, seconds }) =>
          `| ${name} | ${bytes} | ${(bytes / splits).toFixed(2)} | ${median(seconds).toFixed(3)} | ${seconds.map((s) => s.toFixed(3)).join(", ")} |`,
      ),
      "",
      `Version 2 / version 1: ${(v2.bytes / v1.bytes).toFixed(3)} of the bytes, ${(median(v2.seconds) / median(v1.seconds)).toFixed(3)} of the load time.`,
      `Load average ${started.map((l) => l.toFixed(2)).join(" ")} at the start, ${ended.map((l) => l.toFixed(2)).join(" ")} at the end.`,
    ];
    console.log(lines.join("\n"));
    if (args["write-doc"]) writeDoc(lines);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Seconds one fresh process takes to load the model file, timed inside it (Node's start-up excluded). */
function loadSeconds(path: string): number {
  const result = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--load", path], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`loading ${path} failed:\n${result.stderr}`);
  return (JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as { seconds: number }).seconds;
}

function writeDoc(lines: string[]): void {
  writeMeasuredDoc(DOC, [
    "# The poisonlab-forest model file: format version 1 against version 2",
    "",
    `Written by \`npm run bench:model-format -- --model <file> --write-doc\` (scripts/bench-model-format.ts), measuring ${workingTreeRevision()},`,
    "on the model of `MEASURE_KEEP_MODEL=<file> npm run measure:scale` (the scale target: a million rows, label_flip",
    "10 %, poisonlab-forest with 100 trees and `train.max_bins: 255`). The same forest in both versions, envelope",
    "included; a load is what evaluate does before predicting (read the file, parse the JSON, check and decode",
    "the forest), in a fresh process, the versions alternating.",
    "",
    ...lines,
  ]);
}
