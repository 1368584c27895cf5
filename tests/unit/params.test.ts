import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StageError } from "../../stages/core/errors.ts";
import { parseSection, poisonParams, prepareParams, trainParams } from "../../stages/core/params.ts";

const valid = {
  prepare: { seed: 42, test_size: 0.2 },
  poison: { method: "label_flip", rate: 0.1, seed: 7 },
  train: {
    engine: "ml-random-forest",
    n_estimators: 100,
    max_features: 1,
    max_depth: null,
    min_samples_split: 2,
    seed: 42,
  },
};

function failure(document: unknown, section: string, schema: Parameters<typeof parseSection>[2]): string {
  try {
    parseSection(document, section, schema, "params.yaml");
  } catch (error) {
    assert.ok(error instanceof StageError, "a StageError, meant for a person");
    return error.message;
  }
  assert.fail("expected the params to be rejected");
}

describe("parseSection", () => {
  it("accepts the documented defaults", () => {
    assert.deepEqual(parseSection(valid, "poison", poisonParams, "params.yaml"), valid.poison);
    assert.deepEqual(parseSection(valid, "prepare", prepareParams, "params.yaml"), valid.prepare);
    assert.deepEqual(parseSection(valid, "train", trainParams, "params.yaml"), valid.train);
  });

  const cases: Array<[string, unknown, string, Parameters<typeof parseSection>[2], RegExp]> = [
    [
      "a rate above 1",
      { poison: { ...valid.poison, rate: 1.5 } },
      "poison",
      poisonParams,
      /poison\.rate = 1\.5: Too big/,
    ],
    [
      "a negative rate",
      { poison: { ...valid.poison, rate: -0.1 } },
      "poison",
      poisonParams,
      /poison\.rate = -0\.1: Too small/,
    ],
    [
      "a rate given as text",
      { poison: { ...valid.poison, rate: "ten" } },
      "poison",
      poisonParams,
      /poison\.rate = "ten": Invalid input: expected number/,
    ],
    [
      "an unknown method",
      { poison: { ...valid.poison, method: "flip" } },
      "poison",
      poisonParams,
      /poison\.method = "flip": Invalid option/,
    ],
    [
      "an unknown key",
      { poison: { ...valid.poison, ratee: 0.2 } },
      "poison",
      poisonParams,
      /poison\.ratee = 0\.2: unknown key/,
    ],
    [
      "a missing key",
      { poison: { method: "label_flip", seed: 7 } },
      "poison",
      poisonParams,
      /poison\.rate = \(missing\)/,
    ],
    [
      "a fractional seed",
      { prepare: { ...valid.prepare, seed: 1.5 } },
      "prepare",
      prepareParams,
      /prepare\.seed = 1\.5/,
    ],
    [
      "a test_size of 1",
      { prepare: { ...valid.prepare, test_size: 1 } },
      "prepare",
      prepareParams,
      /prepare\.test_size = 1: Too big/,
    ],
    [
      "a source of your own without a label column",
      { prepare: { ...valid.prepare, source: "pets" } },
      "prepare",
      prepareParams,
      /prepare\.label = \(missing\): name the label column of data\/raw\/pets\.csv/,
    ],
    [
      "a source that is a path",
      { prepare: { ...valid.prepare, source: "../secret", label: "y" } },
      "prepare",
      prepareParams,
      /prepare\.source = "\.\.\/secret": expected a file name in data\/raw without \.csv/,
    ],
    [
      "the old synthetic source",
      { prepare: { ...valid.prepare, source: "synthetic", rows: 10 } },
      "prepare",
      prepareParams,
      /prepare\.source = "synthetic": synthetic data is now prepare\.rows: N/,
    ],
    [
      "an unknown missing-value policy",
      { prepare: { ...valid.prepare, missing: "impute" } },
      "prepare",
      prepareParams,
      /prepare\.missing = "impute": Invalid option/,
    ],
    [
      "zero trees",
      { train: { ...valid.train, n_estimators: 0 } },
      "train",
      trainParams,
      /train\.n_estimators = 0: Too small/,
    ],
    ["a missing section", { prepare: valid.prepare }, "poison", poisonParams, /the section "poison" is missing/],
  ];
  for (const [what, document, section, schema, message] of cases) {
    it(`rejects ${what} naming the file, the key and the value`, () => {
      const text = failure(document, section, schema);
      assert.match(text, /^Invalid params in params\.yaml/);
      assert.match(text, message);
    });
  }

  it("reports every problem at once", () => {
    const text = failure({ poison: { method: "x", rate: 2, seed: 7 } }, "poison", poisonParams);
    assert.match(text, /poison\.method/);
    assert.match(text, /poison\.rate/);
  });
});
