import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Row } from "../../stages/core/dataset.ts";
import { stratifiedFolds } from "../../stages/core/defense/folds.ts";
import { outOfFoldProbabilities } from "../../stages/core/defense/out-of-fold.ts";
import type { Classifier } from "../../stages/core/model.ts";
import { createRng } from "../../stages/core/rng.ts";

/** A classifier that has memorised its training rows: their own label with certainty, uniform for anything else. */
function memoriser(rows: readonly Row[]): Classifier {
  const seen = new Map(rows.map((row) => [row.features.join(","), row.label]));
  return {
    classCount: 3,
    probabilities: (features) =>
      features.map((point) => {
        const label = seen.get(point.join(","));
        return label === undefined ? [1 / 3, 1 / 3, 1 / 3] : [0, 1, 2].map((k) => (k === label ? 1 : 0));
      }),
  };
}

const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({ features: [i, i % 7], label: i % 3 }));

describe("stratifiedFolds", () => {
  it("puts about 1/k of every class in every fold", () => {
    const labels = [...new Array(10).fill(0), ...new Array(10).fill(1), ...new Array(5).fill(2)];
    const folds = stratifiedFolds(labels, 5, createRng(1));
    for (let fold = 0; fold < 5; fold++) {
      for (const [label, size] of [
        [0, 10],
        [1, 10],
        [2, 5],
      ] as const) {
        const count = labels.filter((l, i) => l === label && folds[i] === fold).length;
        assert.ok(Math.abs(count - size / 5) <= 1, `class ${label} in fold ${fold}: ${count}`);
      }
    }
  });

  it("is reproducible from the seed", () => {
    const labels = rows.map((row) => row.label);
    assert.deepEqual(stratifiedFolds(labels, 4, createRng(9)), stratifiedFolds(labels, 4, createRng(9)));
  });
});

describe("outOfFoldProbabilities", () => {
  it("never predicts a row with a model that saw it: a memorising model gives only uniform probabilities", () => {
    const probabilities = outOfFoldProbabilities(rows, 5, createRng(3), memoriser);
    assert.equal(probabilities.length, rows.length);
    for (const shares of probabilities) assert.deepEqual(shares, [1 / 3, 1 / 3, 1 / 3]);
  });

  it("trains one model per fold, each on the rows of the other folds", () => {
    const trainedOn: number[] = [];
    outOfFoldProbabilities(rows, 5, createRng(3), (training) => {
      trainedOn.push(training.length);
      return memoriser(training);
    });
    assert.deepEqual(trainedOn, [24, 24, 24, 24, 24]);
  });
});
