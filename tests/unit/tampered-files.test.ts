/**
 * Files the pipeline reads back are distrusted: each tampered model file or manifest below is refused with
 * one StageError naming the file and what is wrong, before anything is allocated from its numbers.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { StageError } from "../../stages/core/errors.ts";
import { parseForestFile } from "../../stages/core/forest/forest-file.ts";
import { forestV1Json } from "../../stages/core/forest/forest-file-v1.ts";
import { MAX_TREE_DEPTH } from "../../stages/core/forest-mljs-file.ts";
import { type ManifestFile, parseCheckedManifest } from "../../stages/core/manifest-file.ts";
import { loadModel, modelFileText, trainModel } from "../../stages/core/model.ts";
import { type PoisonParams, studyParams, type TrainParams } from "../../stages/core/params.ts";
import { parseDefenseCells, parseStudyResults } from "../../stages/core/study/results-file.ts";
import { readJson } from "../../stages/shell/files.ts";
import { loadParams } from "../../stages/shell/params-file.ts";
import { IRIS, IRIS_SCHEMA } from "../support/iris.ts";
import { PROJECT_ROOT } from "../support/temp-repo.ts";

const iris = IRIS.rows;
const SOURCE = "models/model.json";

type Json = any;
type Tamper = [string, (file: Json) => void, RegExp];

function modelJson(engine: TrainParams["engine"]): Json {
  const params: TrainParams = {
    engine,
    n_estimators: 4,
    max_features: null,
    max_depth: null,
    min_samples_split: 2,
    min_samples_leaf: 1,
    seed: 5,
  };
  return JSON.parse([...modelFileText(trainModel(iris, params, IRIS_SCHEMA))].join(""));
}

function firstLeaf(node: Json): Json {
  let current = node;
  while (current.distribution === undefined) current = current.left;
  return current;
}

/** Asserts that `run` throws one StageError whose message names `source` and matches `pattern`. */
function assertRefused(run: () => unknown, source: string, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof StageError, `a StageError, not ${String(error)}`);
    assert.ok(error.message.startsWith(`${source}: `), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

function checkTampers(engine: TrainParams["engine"], tampers: Tamper[]): void {
  const pristine = modelJson(engine);
  it("loads the untampered file", () => assert.equal(loadModel(structuredClone(pristine), SOURCE).classCount, 3));
  for (const [name, tamper, pattern] of tampers) {
    it(`refuses ${name}`, () => {
      const file = structuredClone(pristine);
      tamper(file);
      assertRefused(() => loadModel(file, SOURCE), SOURCE, pattern);
    });
  }
}

describe("tampered model envelope", () => {
  checkTampers("poisonlab-forest", [
    ["no classes", (file) => (file.classes = []), /Too small[\s\S]*at classes/],
    ["a class named twice", (file) => (file.classes = ["a", "a", "b"]), /class names must be unique/],
    ["an unknown engine", (file) => (file.engine = "xgboost"), /engine/],
    ["another format version", (file) => (file.version = 1), /not a poisonlab-model v2 file/],
  ]);
  it("refuses a model whose feature count differs from the data's", () => {
    assertRefused(
      () => loadModel(modelJson("poisonlab-forest"), SOURCE, 5),
      SOURCE,
      /takes 4 features, but the data has 5/,
    );
  });
});

describe("tampered ml-random-forest model", () => {
  checkTampers("ml-random-forest", [
    [
      "a huge nEstimators (allocated without bound before)",
      (file) => (file.forest.baseModel.nEstimators = 1e9),
      /nEstimators = 1000000000, but it holds 4 trees/,
    ],
    [
      "a wrong feature count",
      (file) => (file.forest.baseModel.n = 99),
      /baseModel\.n = 99, but the model has 4 features/,
    ],
    [
      "a tree whose feature list is not n long",
      (file) => file.forest.baseModel.indexes[2].pop(),
      /tree 2 lists 3 features, not 4/,
    ],
    [
      "a tree using a feature out of range",
      (file) => (file.forest.baseModel.indexes[1][0] = 7),
      /tree 1 uses feature 7 of 4/,
    ],
    [
      "a split on a column out of range",
      (file) => (file.forest.baseModel.estimators[0].root.splitColumn = 9),
      /tree 0: the root splits on column 9/,
    ],
    [
      "a split value that is not a number",
      (file) => (file.forest.baseModel.estimators[2].root.splitValue = "NaN"),
      /tree 2: the root has no finite splitValue/,
    ],
    [
      "a leaf voting for a fourth class",
      (file) => (firstLeaf(file.forest.baseModel.estimators[0].root).distribution = [[0, 0, 0, 1]]),
      /distribution is not one row of 1 to 3 class weights/,
    ],
    [
      "a leaf with a negative weight",
      (file) => (firstLeaf(file.forest.baseModel.estimators[3].root).distribution = [[-1, 2]]),
      /tree 3: a node at depth \d+ is a leaf whose distribution/,
    ],
    [
      "a missing child",
      (file) => delete file.forest.baseModel.estimators[0].root.right,
      /tree 0: a node at depth 1 is not a node/,
    ],
    [
      "a tree deeper than the stack can walk",
      (file) => {
        let node: Json = { distribution: [[1]] };
        for (let depth = 0; depth < 50_000; depth++) node = { splitColumn: 0, splitValue: 1, left: node, right: node };
        file.forest.baseModel.estimators[1].root = node;
      },
      new RegExp(`tree 1: a node at depth ${MAX_TREE_DEPTH + 1} is deeper than ${MAX_TREE_DEPTH} levels`),
    ],
    ["a regression forest", (file) => (file.forest.name = "RFRegression"), /not an ml-random-forest forest/],
    ["no trees", (file) => (file.forest.baseModel.estimators = []), /not an ml-random-forest forest/],
  ]);
});

/** Sets byte `index` (from the end when negative) of a v2 forest's base64 column. */
function setByte(forest: Json, name: string, index: number, value: number): void {
  const bytes = Buffer.from(forest[name], "base64");
  bytes[index < 0 ? bytes.length + index : index] = value;
  forest[name] = bytes.toString("base64");
}

/** Drops the first `count` bytes of a v2 forest's base64 column. */
function dropBytes(forest: Json, name: string, count: number): void {
  forest[name] = Buffer.from(forest[name], "base64").subarray(count).toString("base64");
}

describe("tampered poisonlab-forest model", () => {
  checkTampers("poisonlab-forest", [
    [
      "a huge class_count (sized every prediction before)",
      (file) => (file.forest.class_count = 1e9),
      /class_count 1000000000, but the model has 4 features and 3 classes/,
    ],
    ["a wrong feature_count", (file) => (file.forest.feature_count = 2), /feature_count 2 and class_count 3/],
    ["an unknown version", (file) => (file.forest.version = 7), /poisonlab-forest version 7 is not one this/],
    [
      "a column cut short",
      (file) => (file.forest.threshold = file.forest.threshold.slice(0, -8)),
      /threshold is not base64|threshold holds/,
    ],
    [
      "a column that is not base64",
      (file) => (file.forest.feature = `${file.forest.feature.slice(0, -4)}$$$$`),
      /feature is not base64/,
    ],
    [
      "a column of the wrong length",
      (file) => dropBytes(file.forest, "right", 1),
      /right holds \d+ bytes, not \d+ \(1 for each of \d+\)/,
    ],
    ["one tree fewer than tree_count", (file) => dropBytes(file.forest, "splits", 4), /splits holds 12 bytes, not 16/],
    ["a tree of no splits", (file) => setByte(file.forest, "splits", 0, 0), /tree 0 has no splits/],
    ["a feature out of range", (file) => setByte(file.forest, "feature", 0, 6), /tree 0: split 0 uses feature 6 of 4/],
    [
      "a threshold index past its table",
      (file) => setByte(file.forest, "threshold", 0, 255),
      /tree 0: split 0 uses threshold 255 of feature \d+'s \d+/,
    ],
    [
      "a leaf for a fourth class",
      (file) => setByte(file.forest, "right", 0, 4),
      /tree 0: split 0 has a leaf of class 3 of 3/,
    ],
    [
      "a split announced but missing (the last split's left child a split)",
      (file) => setByte(file.forest, "left", -1, 0),
      /tree 3: split \d+'s left child is a split, but the tree has no more splits/,
    ],
    [
      "a split that is no split's child (the root's children both leaves)",
      (file) => {
        setByte(file.forest, "left", 0, 1);
        setByte(file.forest, "right", 0, 1);
      },
      /tree 0: split 1 is no split's child/,
    ],
    [
      "a threshold table for a missing feature",
      (file) => file.forest.thresholds.pop(),
      /3 threshold tables for 4 features/,
    ],
  ]);
});

describe("tampered poisonlab-forest v1 model (as written before version 2)", () => {
  const v1 = (file: Json): Json => {
    const forest = parseForestFile(file.forest, SOURCE);
    return { ...file, forest: forestV1Json(forest) };
  };
  const pristine = v1(modelJson("poisonlab-forest"));
  it("loads the untampered file, with the predictions of the same forest in version 2", () => {
    const features = iris.map((row) => row.features);
    const current = loadModel(modelJson("poisonlab-forest"), SOURCE).probabilities(features);
    assert.deepEqual(loadModel(structuredClone(pristine), SOURCE).probabilities(features), current);
  });
  const tampers: Tamper[] = [
    [
      "a child pointing back (a loop)",
      (file) => (file.forest.trees[0].left[0] = 0),
      /tree 0: split 0 has an invalid child 0/,
    ],
    [
      "a leaf for a fourth class",
      (file) => (file.forest.trees[1].right[0] = -4),
      /tree 1: split 0 has an invalid child -4/,
    ],
    ["arrays of different lengths", (file) => file.forest.trees[2].threshold.pop(), /tree 2: feature, threshold/],
    ["a feature out of range", (file) => (file.forest.trees[3].feature[0] = 6), /tree 3: split 0 uses feature 6 of 4/],
  ];
  for (const [name, tamper, pattern] of tampers) {
    it(`refuses ${name}`, () => {
      const file = structuredClone(pristine);
      tamper(file);
      assertRefused(() => loadModel(file, SOURCE), SOURCE, pattern);
    });
  }
});

describe("tampered manifest", () => {
  const params: PoisonParams = { method: "label_flip", rate: 0.1, seed: 7 };
  const row = { sepal_length: 5, sepal_width: 3, petal_length: 1, petal_width: 0.2, species: "setosa" };
  const pristine: ManifestFile = {
    method: "label_flip",
    rate: 0.1,
    seed: 7,
    rows_in: 20,
    rows_out: 20,
    rows_poisoned: 2,
    rows: [
      { row: 3, before: row },
      { row: 5, before: row },
    ],
  };
  const source = "data/poisoned/manifest.json";
  it("accepts the untampered manifest", () =>
    assert.deepEqual(parseCheckedManifest(pristine, source, params), pristine));
  const tampers: Array<[string, (file: Json) => void, RegExp]> = [
    [
      "inflated counts",
      (file) => (file.rows_in = 1e9),
      /rows_poisoned = 2, but rate 0\.1 of rows_in = 1000000000 is 100000000/,
    ],
    ["a rows_poisoned that is not the rate's", (file) => (file.rows_poisoned = 3), /rows_poisoned = 3, but rate 0\.1/],
    [
      "another rate than params.yaml's",
      (file) => (file.rate = 0.5),
      /rate = 0\.5, but params\.yaml has poison\.rate = 0\.1/,
    ],
    ["another seed", (file) => (file.seed = 8), /seed = 8, but params\.yaml has poison\.seed = 7/],
    ["a row list shorter than the count", (file) => file.rows.pop(), /rows_poisoned = 2, but it lists 1 rows/],
    [
      "rows_out for another attack",
      (file) => (file.rows_out = 22),
      /rows_out = 22, but label_flip on 20 rows gives 20/,
    ],
    ["a row outside the table", (file) => (file.rows[1].row = 20), /row 20 is outside the poisoned table of 20 rows/],
    ["a row listed twice", (file) => (file.rows[1].row = 3), /row 3 is listed twice/],
    ["an injected row in a label flip", (file) => (file.rows[0].before = null), /row 3 does not fit label_flip/],
    ["a negative count", (file) => (file.rows_out = -1), /not a poison manifest[\s\S]*rows_out/],
  ];
  for (const [name, tamper, pattern] of tampers) {
    it(`refuses ${name}`, () => {
      const file = structuredClone(pristine);
      tamper(file);
      assertRefused(() => parseCheckedManifest(file, source, params), source, pattern);
    });
  }
});

describe("reading is bounded by the file's real size", () => {
  const dir = mkdtempSync(join(tmpdir(), "poisonlab-bounded-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("refuses a file larger than the stage reads, before reading it", () => {
    const path = join(dir, "big.json");
    writeFileSync(path, `[${"0,".repeat(1000)}0]`);
    assertRefused(() => readJson(path, 1000), path, /2003 bytes, more than the 1000 this stage reads/);
    assert.equal((readJson(path, 4000) as number[]).length, 1001);
  });
});

describe("tampered study and defense results, as the report reads them", () => {
  const study = loadParams("study", studyParams, `${PROJECT_ROOT}/params.yaml`);
  const results = JSON.parse(readFileSync(`${PROJECT_ROOT}/metrics/study-results.json`, "utf8"));
  const cells = JSON.parse(readFileSync(`${PROJECT_ROOT}/metrics/defenses-results.json`, "utf8"));
  const source = "metrics/study-results.json";
  it("accepts the committed files", () => {
    assert.equal(parseStudyResults(structuredClone(results), source, study).repeats, study.repeats);
    assert.equal(parseDefenseCells(structuredClone(cells), "d.json", study).length, cells.length);
  });
  const tampers: Tamper[] = [
    [
      "no degradation (crashed in the charts before)",
      (file) => delete file.degradation,
      /not the study's results[\s\S]*degradation/,
    ],
    ["another repeat count", (file) => (file.repeats = 3), /repeats = 3, but study\.repeats is 30/],
    ["a missing cell", (file) => file.degradation.pop(), /no degradation cell for inject at rate 0\.5/],
    ["a cell with values missing", (file) => file.degradation[0].accuracy_values.pop(), /has 29 values for 30 repeats/],
    [
      "an accuracy above 1",
      (file) => (file.degradation[2].accuracy_values[0] = 7),
      /Too big[\s\S]*degradation\[2\]\.accuracy_values\[0\]/,
    ],
    ["a curve without its table", (file) => delete file.rows_needed.iris, /curve "iris" has no rows_needed table/],
    ["one class", (file) => (file.class_count = 1), /class_count/],
  ];
  for (const [name, tamper, pattern] of tampers) {
    it(`refuses ${name}`, () => {
      const file = structuredClone(results);
      tamper(file);
      assertRefused(() => parseStudyResults(file, source, study), source, pattern);
    });
  }
  it("refuses defense cells from another study", () => {
    const file = structuredClone(cells);
    file[4].accuracy.n = 5;
    assertRefused(() => parseDefenseCells(file, "d.json", study), "d.json", /n = 5\) does not fit study\.repeats = 30/);
  });
});
