/**
 * The export stage under the real dvc CLI in a throw-away git copy: models/model.onnx, checked by
 * onnx.checker and scored by Python's ONNX Runtime from .venv, gives poisonlab's own label and class
 * probabilities on every test row, for both engines: on IRIS, on IRIS with two trees (vote ties), on a
 * two-class data set, and on a CSV with a categorical column whose test split holds categories unseen in
 * training.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { parseCsvText } from "../../stages/core/csv-text.ts";
import type { Row, Schema } from "../../stages/core/dataset.ts";
import { loadModelFile, predictLabels } from "../../stages/core/model.ts";
import { createRng, randomInt } from "../../stages/core/rng.ts";
import { readTable } from "../../stages/shell/csv-stream.ts";
import { createTempRepo, PROJECT_ROOT, runCommand, type TempRepo } from "../support/temp-repo.ts";

const TOLERANCE = 1e-6;

/** 180 rows of three pets; ten colours occur once only, so some land only in the test split. */
function petsCsv(): string {
  const rng = createRng("onnx pets");
  const lines = ["colour,weight,kind,height"];
  for (let i = 0; i < 180; i++) {
    const kind = i % 3;
    const colour = i < 10 ? `rare_${i}` : (["black", "white", "grey, dark"][randomInt(rng, 3)] as string);
    lines.push(
      `"${colour}",${(kind * 4 + rng() * 8).toFixed(3)},${["cat", "dog", "bird"][kind]},${(rng() * 5).toFixed(2)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function setParams(repo: TempRepo, values: Record<string, Record<string, unknown>>): void {
  const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
  for (const [section, keys] of Object.entries(values)) Object.assign(params[section] as object, keys);
  repo.write("params.yaml", stringify(params));
}

interface OnnxResult {
  inputs: Array<[string, string]>;
  outputs: Record<string, Array<string | number>>;
}

/** models/model.onnx scored by ONNX Runtime on the given columns (tests/support/onnx_predict.py). */
function onnxPredictions(repo: TempRepo, feeds: Record<string, Array<number | string>>): OnnxResult {
  repo.write("onnx-feeds.json", JSON.stringify(feeds));
  const script = join(PROJECT_ROOT, "tests/support/onnx_predict.py");
  const result = runCommand(repo.dir, "python3", [script, "models/model.onnx", "onnx-feeds.json", "onnx-out.json"]);
  assert.equal(
    result.status,
    0,
    `onnx_predict.py failed (npm test installs onnx and onnxruntime from requirements-mlflow.txt into .venv):\n${result.stderr}`,
  );
  return JSON.parse(repo.read("onnx-out.json")) as OnnxResult;
}

/** The test split's columns as the ONNX model takes them: numbers as the pipeline reads them, categories raw. */
function feedsOf(repo: TempRepo, schema: Schema, rows: readonly Row[]): Record<string, Array<number | string>> {
  const records = parseCsvText(repo.read("data/prepared/test.csv"), "test.csv").slice(1);
  assert.equal(records.length, rows.length);
  return Object.fromEntries(
    schema.features.map((column, i) => [
      column.name,
      column.kind === "numeric"
        ? rows.map((row) => row.features[i] as number)
        : records.map((record) => record.fields[i] as string),
    ]),
  );
}

/**
 * Runs the export through dvc and compares ONNX Runtime with poisonlab's own classifier on every test row.
 * Returns what the case covered: rows, rows whose top vote is tied, rows with a category unseen in training.
 */
async function exportMatches(repo: TempRepo): Promise<{ rows: number; ties: number; unseen: number }> {
  repo.dvc("repro", "export");
  const { classifier, schema } = loadModelFile(JSON.parse(repo.read("models/model.json")), "models/model.json");
  const rows = await readTable(repo.path("data/prepared/test.csv"), schema);
  const features = rows.map((row) => row.features);
  const expected = classifier.probabilities(features);
  const labels = predictLabels(classifier, features).map((label) => schema.classes[label]);
  const onnx = onnxPredictions(repo, feedsOf(repo, schema, rows));

  assert.deepEqual(
    onnx.inputs,
    schema.features.map((column) => [column.name, column.kind === "numeric" ? "tensor(double)" : "tensor(string)"]),
  );
  assert.deepEqual(onnx.outputs.label, labels, "labels on every test row");
  schema.classes.forEach((name, c) => {
    const got = onnx.outputs[`probability_${name}`] as number[];
    assert.equal(got.length, rows.length);
    got.forEach((value, row) => {
      const want = expected[row]?.[c] as number;
      assert.ok(Math.abs(value - want) <= TOLERANCE, `row ${row}, ${name}: ONNX ${value}, poisonlab ${want}`);
    });
  });
  const ties = expected.filter((shares) => shares.filter((share) => share === Math.max(...shares)).length > 1).length;
  const unseen = rows.filter((row) =>
    schema.features.some((column, i) => column.kind === "categorical" && row.features[i] === column.categories.length),
  ).length;
  return { rows: rows.length, ties, unseen };
}

describe("export: the forest as an ONNX model", () => {
  let repo: TempRepo;
  before(() => {
    repo = createTempRepo();
  });
  after(() => repo.remove());

  // Two small trees that disagree on some test rows with the params.yaml seeds (11 to 21 of 30): tied votes.
  const TWO_TREES = {
    "ml-random-forest": { n_estimators: 2, max_depth: 1, max_features: null },
    "poisonlab-forest": { n_estimators: 2, max_depth: 2, max_features: 0.25 },
  };
  for (const engine of ["ml-random-forest", "poisonlab-forest"] as const) {
    const hundredTrees = { engine, n_estimators: 100, max_depth: null, max_features: null };
    it(`${engine} on IRIS: ONNX Runtime gives poisonlab's labels and probabilities on every test row`, async () => {
      setParams(repo, { prepare: { source: "iris" }, train: hundredTrees });
      const covered = await exportMatches(repo);
      assert.equal(covered.rows, 30);
    });

    it(`${engine} with two shallow trees: tied votes go to the first class in ONNX as in poisonlab`, async () => {
      setParams(repo, { prepare: { source: "iris" }, train: { engine, ...TWO_TREES[engine] } });
      const covered = await exportMatches(repo);
      assert.ok(covered.ties > 0, `some test rows have tied votes: ${JSON.stringify(covered)}`);
    });

    it(`${engine} on a categorical column with categories unseen in training`, async () => {
      repo.write("data/raw/pets.csv", petsCsv());
      setParams(repo, {
        prepare: { source: "pets", label: "kind" },
        train: hundredTrees,
      });
      const covered = await exportMatches(repo);
      assert.ok(covered.unseen > 0, `some test rows have an unseen colour: ${JSON.stringify(covered)}`);
      setParams(repo, { prepare: { label: null } });
    });
  }

  it("poisonlab-forest on two classes (breast_cancer), where ONNX Runtime's binary path would mislabel", async () => {
    setParams(repo, {
      prepare: { source: "breast_cancer", label: null },
      train: { engine: "poisonlab-forest", n_estimators: 100, max_depth: null, max_features: null },
    });
    const covered = await exportMatches(repo);
    assert.ok(covered.rows > 100);
  });

  it("writes byte-identical ONNX files from the same model", () => {
    const first = readFileSync(repo.path("models/model.onnx"));
    repo.dvc("repro", "--force", "export");
    assert.ok(first.length > 0);
    assert.ok(readFileSync(repo.path("models/model.onnx")).equals(first));
  });
});
