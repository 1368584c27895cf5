import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { marginOf, smallestMargins } from "../../stages/core/attacks/adversarial-flip.ts";
import { attackOptions } from "../../stages/core/attacks/resolve-options.ts";
import type { Row } from "../../stages/core/dataset.ts";
import { StageError } from "../../stages/core/errors.ts";
import { manifestFile, parseCheckedManifest } from "../../stages/core/manifest-file.ts";
import { parseSection, poisonParams } from "../../stages/core/params.ts";
import {
  buildManifest,
  manifestPieces,
  manifestText,
  type PoisonMethod,
  poisonCount,
  poisonRows,
  rowsTable,
} from "../../stages/core/poison.ts";
import { createRng } from "../../stages/core/rng.ts";
import { IRIS_SCHEMA } from "../support/iris.ts";

const clean: Row[] = Array.from({ length: 120 }, (_, i) => ({
  features: [i / 10 + (i % 3), 2 + (i % 7), 10 - i / 20, ((i * 37) % 11) + (i % 3) * 4],
  label: i % 3,
}));
const params = (method: PoisonMethod, rate: number) => ({
  method,
  rate,
  seed: 7,
  targeted: { source: "versicolor", target: "virginica" },
  adversarial: { folds: 3, n_estimators: 5 },
  backdoor: { target: null, features: 2, quantile: 0.95 },
});
const attack = (method: PoisonMethod, rate: number) => {
  const options = attackOptions(params(method, rate), IRIS_SCHEMA, rowsTable(clean, 4));
  return { options, ...poisonRows(clean, { method, rate, options }, createRng(3), IRIS_SCHEMA) };
};

describe("chosen attacks", () => {
  for (const method of ["targeted_flip", "adversarial_flip", "backdoor"] as const) {
    it(`${method} touches exactly round(rate x n) rows, listed in the manifest, and is deterministic`, () => {
      const { poisoned, rows } = attack(method, 0.2);
      assert.equal(poisoned.length, poisonCount(clean.length, 0.2));
      assert.equal(rows.filter((row, i) => JSON.stringify(row) !== JSON.stringify(clean[i])).length, poisoned.length);
      assert.deepEqual(attack(method, 0.2).rows, rows);
    });
  }

  it("targeted_flip turns source rows into the target class only", () => {
    for (const { before, after } of attack("targeted_flip", 0.25).poisoned) {
      assert.equal(before?.label, 1);
      assert.equal(after.label, 2);
    }
  });

  it("targeted_flip stops with a clear message when the source class is smaller than the budget", () => {
    assert.throws(() => attack("targeted_flip", 0.5), StageError);
  });

  it("adversarial_flip flips to the runner-up; margins tie-break by row index", () => {
    assert.deepEqual(marginOf([0.2, 0.5, 0.3], 1), { margin: 0.2, runnerUp: 2 });
    assert.deepEqual(marginOf([0.4, 0.2, 0.4], 1), { margin: -0.2, runnerUp: 0 });
    const margins = [0.1, -0.2, 0.1, 0.5].map((margin) => ({ margin, runnerUp: 0 }));
    assert.deepEqual(smallestMargins(margins, 2), [0, 1]);
    for (const { before, after } of attack("adversarial_flip", 0.1).poisoned)
      assert.notEqual(after.label, before?.label);
  });

  it("backdoor stamps an in-range trigger on rows of other classes and labels them the target", () => {
    const { poisoned, options } = attack("backdoor", 0.1);
    const trigger = options.backdoor?.trigger;
    assert.deepEqual(trigger?.features, [2, 3]);
    for (const { before, after } of poisoned) {
      assert.notEqual(before?.label, 0);
      assert.equal(after.label, 0);
      assert.deepEqual([after.features[2], after.features[3]], trigger?.values);
    }
    const spec = { method: "backdoor", rate: 0.1, seed: 7, options } as const;
    const manifest = buildManifest(spec, 120, poisoned, IRIS_SCHEMA);
    assert.equal([...manifestPieces(spec, 120, poisoned, IRIS_SCHEMA)].join(""), manifestText(manifest));
    assert.deepEqual(Object.keys(manifest.trigger?.features ?? {}), [
      IRIS_SCHEMA.features[2]?.name,
      IRIS_SCHEMA.features[3]?.name,
    ]);
    const checked = parseCheckedManifest(JSON.parse(JSON.stringify(manifest)), "m.json", params("backdoor", 0.1));
    assert.ok(manifestFile.safeParse(checked).success);
  });

  it("names the params key and value of a class the data does not have, or a source equal to the target", () => {
    const bad = { ...params("targeted_flip", 0.1), targeted: { source: "tulip", target: "virginica" } };
    assert.throws(
      () => attackOptions(bad, IRIS_SCHEMA, rowsTable(clean, 4)),
      /poison\.targeted\.source = "tulip": not a class of the data/,
    );
    const same = { poison: { ...params("targeted_flip", 0.1), targeted: { source: "setosa", target: "setosa" } } };
    assert.throws(
      () => parseSection(same, "poison", poisonParams, "params.yaml"),
      /poison\.targeted\.target = "setosa"/,
    );
    const missing = { poison: { method: "backdoor", rate: 0.1, seed: 1 } };
    assert.throws(() => parseSection(missing, "poison", poisonParams, "params.yaml"), /poison\.backdoor = \(missing\)/);
  });
});
