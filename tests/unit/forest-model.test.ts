import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StageError } from "../../stages/core/errors.ts";
import { forestSettings } from "../../stages/core/forest/engine.ts";
import { accuracy } from "../../stages/core/metrics.ts";
import { loadModel, modelFileText, predictLabels, trainModel } from "../../stages/core/model.ts";
import type { TrainParams } from "../../stages/core/params.ts";
import { createRng } from "../../stages/core/rng.ts";
import { stratifiedSplit } from "../../stages/core/split.ts";
import { IRIS, IRIS_SCHEMA } from "../support/iris.ts";

const iris = IRIS.rows;
const params: TrainParams = {
  engine: "poisonlab-forest",
  n_estimators: 15,
  max_features: null,
  max_depth: null,
  min_samples_split: 2,
  min_samples_leaf: 1,
  seed: 3,
};

describe("poisonlab-forest behind the model interface", () => {
  const model = trainModel(iris, params, IRIS_SCHEMA);
  const text = [...modelFileText(model)].join("");
  const classifier = loadModel(JSON.parse(text), "model.json");
  const features = iris.map((row) => row.features);

  it("writes the model file tree by tree with exactly JSON.stringify's bytes", () => {
    assert.equal(text, `${JSON.stringify(model)}\n`);
    const file = JSON.parse(text);
    assert.equal(file.engine, "poisonlab-forest");
    assert.equal(file.forest.format, "poisonlab-forest");
    assert.equal(file.forest.version, 2);
    assert.equal(file.forest.tree_count, 15);
  });

  it("gives probabilities that are vote shares of all trees, summing to 1", () => {
    for (const shares of classifier.probabilities(features)) {
      assert.equal(shares.length, 3);
      assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      for (const share of shares) assert.ok(Math.abs(share * 15 - Math.round(share * 15)) < 1e-9);
    }
  });

  it("fits IRIS's training rows almost perfectly", () => {
    assert.ok(
      accuracy(
        iris.map((row) => row.label),
        predictLabels(classifier, features),
      ) > 0.97,
    );
  });

  it("refuses a forest whose split count disagrees with its columns, naming the file", () => {
    const broken = JSON.parse(text);
    broken.forest.left = broken.forest.left.slice(0, -4);
    assert.throws(
      () => loadModel(broken, "models/model.json"),
      (error: unknown) => {
        assert.ok(error instanceof StageError);
        assert.match(error.message, /^models\/model\.json: poisonlab-forest v2: left holds \d+ bytes, not \d+/);
        return true;
      },
    );
  });

  it("refuses a forest of a format version it does not read, naming the file, the version and the fix", () => {
    const other = JSON.parse(text);
    other.forest.version = 3;
    assert.throws(
      () => loadModel(other, "models/model.json"),
      /^StageError: models\/model\.json: poisonlab-forest version 3 is not one this poisonlab reads \(1, 2\); re-train with `dvc repro train`/,
    );
  });
});

describe("train params as each engine reads them", () => {
  it("poisonlab-forest: max_features null or sqrt is sqrt(features) per split; a share rounds down, at least 1", () => {
    const count = (max_features: TrainParams["max_features"]) =>
      forestSettings({ ...params, max_features }, 4).maxFeatures;
    assert.deepEqual([count(null), count("sqrt"), count(0.2), count(0.5), count(1)], [2, 2, 1, 2, 4]);
  });

  it("ml-random-forest: max_features null is all features, as 1.0 was", () => {
    const mljs: TrainParams = { ...params, engine: "ml-random-forest", min_samples_leaf: undefined };
    assert.equal(
      JSON.stringify(trainModel(iris, { ...mljs, max_features: null }, IRIS_SCHEMA).forest),
      JSON.stringify(trainModel(iris, { ...mljs, max_features: 1 }, IRIS_SCHEMA).forest),
    );
  });

  it("ml-random-forest: refuses min_samples_leaf other than 1, naming the key and the way out", () => {
    assert.throws(
      () => trainModel(iris, { ...params, engine: "ml-random-forest", min_samples_leaf: 5 }, IRIS_SCHEMA),
      (error: unknown) => {
        assert.ok(error instanceof StageError);
        assert.match(
          error.message,
          /^train\.min_samples_leaf = 5: ml-random-forest has no minimum leaf size; use 1, or train\.engine: poisonlab-forest/,
        );
        return true;
      },
    );
  });
});

describe("parity with ml-random-forest on IRIS", () => {
  it("scores the same clean-test accuracy within noise, over 10 stratified splits", () => {
    const scores = { "poisonlab-forest": [] as number[], "ml-random-forest": [] as number[] };
    for (let seed = 0; seed < 10; seed++) {
      const { train, test } = stratifiedSplit(iris, 0.2, createRng(seed));
      for (const engine of ["poisonlab-forest", "ml-random-forest"] as const) {
        const forest = loadModel(
          JSON.parse(JSON.stringify(trainModel(train, { ...params, engine, n_estimators: 30, seed }, IRIS_SCHEMA))),
          "model.json",
        );
        scores[engine].push(
          accuracy(
            test.map((row) => row.label),
            predictLabels(
              forest,
              test.map((row) => row.features),
            ),
          ),
        );
      }
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const ours = mean(scores["poisonlab-forest"]);
    const theirs = mean(scores["ml-random-forest"]);
    // One 30-row test split swings about +/-0.04, the mean of 10 about +/-0.013
    // (docs/background.md, "How much one test split swings").
    assert.ok(
      Math.abs(ours - theirs) <= 0.03,
      `poisonlab-forest ${ours.toFixed(3)}, ml-random-forest ${theirs.toFixed(3)}`,
    );
    assert.ok(ours > 0.9, `poisonlab-forest ${ours.toFixed(3)} (scikit-learn: 0.950 +/- 0.038)`);
  });
});
