import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Schema } from "../../stages/core/dataset.ts";
import { StageError } from "../../stages/core/errors.ts";
import { accuracy } from "../../stages/core/metrics.ts";
import { loadModel, loadModelFile, predictLabels, trainModel } from "../../stages/core/model.ts";
import type { TrainParams } from "../../stages/core/params.ts";
import { IRIS, IRIS_SCHEMA } from "../support/iris.ts";

const iris = IRIS.rows;
const params: TrainParams = {
  engine: "ml-random-forest",
  n_estimators: 15,
  max_features: 1,
  max_depth: null,
  min_samples_split: 2,
  seed: 3,
};
const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("ml-random-forest behind the model interface", () => {
  const model = trainModel(iris, params, IRIS_SCHEMA);
  const classifier = loadModel(roundTrip(model), "model.json");
  const features = iris.map((row) => row.features);

  it("gives probabilities that are vote shares summing to 1, from every tree", () => {
    for (const shares of classifier.probabilities(features)) {
      assert.equal(shares.length, 3);
      assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      // 15 trees: every share is a multiple of 1/15 (the library's own predictProbability would use 14).
      for (const share of shares) assert.ok(Math.abs(share * 15 - Math.round(share * 15)) < 1e-9);
    }
  });

  it("fits IRIS's training rows almost perfectly", () => {
    const predicted = predictLabels(classifier, features);
    assert.ok(
      accuracy(
        iris.map((row) => row.label),
        predicted,
      ) > 0.97,
    );
  });

  it("is deterministic for a seed and differs between seeds", () => {
    assert.equal(JSON.stringify(trainModel(iris, params, IRIS_SCHEMA)), JSON.stringify(model));
    assert.notEqual(JSON.stringify(trainModel(iris, { ...params, seed: 4 }, IRIS_SCHEMA)), JSON.stringify(model));
  });

  it("refuses a max_features that selects no feature, naming the key", () => {
    assert.throws(() => trainModel(iris, { ...params, max_features: 0.2 }, IRIS_SCHEMA), /train\.max_features = 0\.2/);
  });

  it("loads a forest whose trees draw fewer features than the data has (max_features below 1)", () => {
    for (const max_features of [0.5, "sqrt"] as const) {
      const fewer = loadModel(roundTrip(trainModel(iris, { ...params, max_features }, IRIS_SCHEMA)), "model.json");
      assert.ok(
        accuracy(
          iris.map((row) => row.label),
          predictLabels(fewer, features),
        ) > 0.9,
      );
    }
  });

  it("refuses a file that is not a model, naming the file", () => {
    assert.throws(
      () => loadModel({ format: "other" }, "models/model.json"),
      (error: unknown) => {
        assert.ok(error instanceof StageError);
        assert.match(error.message, /^models\/model\.json: not a poisonlab-model v2 file/);
        return true;
      },
    );
  });
});

describe("the model file's schema", () => {
  it("carries the data's feature kinds, categories, label and classes, and gives them back on load", () => {
    const schema: Schema = {
      features: [
        { name: "colour", kind: "categorical", categories: ["black", "white"] },
        { name: "weight", kind: "numeric" },
      ],
      label: "kind",
      classes: ["bird", "cat", "dog", "fish"],
    };
    const rows = Array.from({ length: 40 }, (_, i) => ({ features: [i % 2, i % 4], label: i % 4 }));
    for (const engine of ["ml-random-forest", "poisonlab-forest"] as const) {
      const model = roundTrip(trainModel(rows, { ...params, engine, max_features: null }, schema));
      assert.equal(model.version, 2);
      const loaded = loadModelFile(model, "model.json");
      assert.deepEqual(loaded.schema, schema);
      assert.equal(loaded.classifier.probabilities([[0, 3]])[0]?.length, 4);
      // An unseen category's code (one past the last) is predicted like any other value.
      assert.equal(predictLabels(loaded.classifier, [[2, 1]]).length, 1);
    }
  });
});
