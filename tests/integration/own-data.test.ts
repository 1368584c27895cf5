/**
 * The pipeline on data other than IRIS, under the real dvc CLI in a throw-away git copy: a CSV written here
 * (string classes, a categorical column, the label not last, quoting, CRLF, a BOM) and the bundled wine set
 * through `dvc exp run -S prepare.source=wine`. Class and feature names must flow into every output.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { createRng, randomInt } from "../../stages/core/rng.ts";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

const CLASSES = ["cat", "dog", "bird"];
const COLOURS = ["black", "white", "grey, dark"];

/** 180 rows; the class sets the weight; ten colours occur once only, so some appear only in the test split. */
function petsCsv(): string {
  const rng = createRng("pets");
  const lines = ["colour,weight,kind,height"];
  for (let i = 0; i < 180; i++) {
    const kind = i % 3;
    const colour = i < 10 ? `rare_${i}` : (COLOURS[randomInt(rng, COLOURS.length)] as string);
    const weight = (kind * 10 + rng() * 8).toFixed(3);
    const height = (rng() * 5).toFixed(2);
    lines.push(`"${colour}",${weight},${CLASSES[kind]},${height}`);
  }
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

function setPrepare(repo: TempRepo, values: Record<string, unknown>): void {
  const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
  Object.assign(params.prepare as Record<string, unknown>, values);
  repo.write("params.yaml", stringify(params));
}

describe("your own data", () => {
  let repo: TempRepo;

  before(() => {
    repo = createTempRepo();
  });
  after(() => repo.remove());

  it("runs a CSV of your own through dvc repro, with its class and feature names in every output", () => {
    repo.write("data/raw/pets.csv", petsCsv());
    setPrepare(repo, { source: "pets", label: "kind" });
    repo.dvc("repro", "evaluate");

    const schema = JSON.parse(repo.read("data/prepared/schema.json"));
    assert.deepEqual(schema.classes, ["bird", "cat", "dog"]);
    assert.deepEqual(
      schema.features.map((column: { name: string; kind: string }) => [column.name, column.kind]),
      [
        ["colour", "categorical"],
        ["weight", "numeric"],
        ["height", "numeric"],
      ],
    );
    // The label goes last in the pipeline's files; a quoted category with a comma survives.
    const train = repo.read("data/prepared/train.csv");
    assert.match(train, /^colour,weight,height,kind\n/);
    assert.match(train, /"grey, dark",/);

    // Some rare colours landed only in the test split: unseen by the model, and evaluate still scores them.
    const seen = new Set(schema.features[0].categories);
    const testColours = repo
      .read("data/prepared/test.csv")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(",")[0]);
    assert.ok(
      testColours.some((colour) => colour?.startsWith("rare_") && !seen.has(colour)),
      "a category seen only in test",
    );

    const metrics = JSON.parse(repo.read("metrics/evaluate-details.json"));
    assert.deepEqual(Object.keys(metrics.per_class).sort(), ["bird", "cat", "dog"]);
    assert.ok(metrics.accuracy > 0.9, `the weight separates the classes: accuracy ${metrics.accuracy}`);
    const confusion = JSON.parse(repo.read("metrics/confusion.json")) as Array<{ actual: string }>;
    assert.deepEqual([...new Set(confusion.map((row) => row.actual))].sort(), ["bird", "cat", "dog"]);
    const model = JSON.parse(repo.read("models/model.json"));
    assert.deepEqual(model.classes, ["bird", "cat", "dog"]);
    assert.equal(model.label, "kind");
    assert.deepEqual(model.features[0].categories, schema.features[0].categories);
    const manifest = JSON.parse(repo.read("data/poisoned/manifest.json"));
    assert.ok(CLASSES.includes(manifest.rows[0].after.kind), "the manifest names classes");
    assert.equal(repo.read("data/raw/pets.csv"), petsCsv(), "raw data never modified");
  });

  it("dvc exp run -S prepare.source=wine runs the bundled wine set; the metrics carry its class names", () => {
    setPrepare(repo, { source: "iris", label: null });
    repo.commitAll("pets tried");
    repo.dvc("exp", "run", "-S", "prepare.source=wine", "evaluate");
    const metrics = JSON.parse(repo.read("metrics/evaluate-details.json"));
    assert.deepEqual(Object.keys(metrics.per_class), ["class_0", "class_1", "class_2"]);
    assert.equal(metrics.test_rows, 36); // 178 rows: 59, 71, 48 per class, a fifth of each held out
    assert.ok(metrics.accuracy > 0.8, `accuracy ${metrics.accuracy}`);
    const lock = parse(repo.read("dvc.lock")) as { stages: { prepare: { deps: Array<{ path: string }> } } };
    assert.ok(
      lock.stages.prepare.deps.some((dep) => dep.path === "data/raw/wine.csv"),
      "prepare depends on exactly the file it read",
    );
  });
});
