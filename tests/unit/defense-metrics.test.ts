import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { auroc, scoreDetection } from "../../stages/core/defense/detection-metrics.ts";
import { averageRanks, rankScores } from "../../stages/core/defense/ranks.ts";

describe("auroc", () => {
  it("is 1 when every poisoned row scores above every clean one, 0 when below", () => {
    assert.equal(auroc([0.9, 0.8, 0.1, 0.2], [true, true, false, false]), 1);
    assert.equal(auroc([0.1, 0.2, 0.9, 0.8], [true, true, false, false]), 0);
  });

  it("counts ties as one half, so constant scores give 0.5", () => {
    assert.equal(auroc([1, 1, 1, 1], [true, false, false, true]), 0.5);
  });

  it("is the share of (poisoned, clean) pairs ranked correctly", () => {
    // Pairs: (0.8 vs 0.5) yes, (0.8 vs 0.9) no, (0.3 vs 0.5) no, (0.3 vs 0.9) no, with one tie pair (0.5, 0.5) half.
    assert.equal(auroc([0.8, 0.3, 0.5, 0.9, 0.5], [true, true, false, false, true]), (1 + 0 + 0 + 0 + 0.5 + 0) / 6);
  });

  it("is null when there are no poisoned rows or no clean rows", () => {
    assert.equal(auroc([0.1, 0.2], [false, false]), null);
    assert.equal(auroc([0.1, 0.2], [true, true]), null);
  });
});

describe("scoreDetection", () => {
  it("compares the flags with the manifest's rows", () => {
    const flags = [true, true, false, false, true, false];
    const scores = [0.9, 0.8, 0.7, 0.1, 0.6, 0.2];
    const result = scoreDetection(flags, scores, [{ row: 0 }, { row: 2 }, { row: 4 }]);
    assert.deepEqual(
      { ...result, auroc: undefined },
      {
        rows: 6,
        poisoned: 3,
        flagged: 3,
        removed: 3,
        true_positives: 2,
        false_positives: 1,
        false_negatives: 1,
        precision: 2 / 3,
        recall: 2 / 3,
        f1: 2 / 3,
        auroc: undefined,
      },
    );
    assert.equal(result.auroc, 7 / 9, "0.9 beats all three clean rows, 0.7 and 0.6 beat two each");
  });

  it("reports 0 rather than NaN when nothing is flagged or nothing was poisoned", () => {
    const none = scoreDetection([false, false], [0, 0], [{ row: 1 }]);
    assert.equal(none.precision, 0);
    assert.equal(none.f1, 0);
    const clean = scoreDetection([true, false], [1, 0], []);
    assert.equal(clean.recall, 0);
    assert.equal(clean.auroc, null);
  });
});

describe("ranks", () => {
  it("gives equal values their average rank", () => {
    assert.deepEqual(averageRanks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  });

  it("scales ranks to [0, 1]", () => {
    assert.deepEqual(rankScores([3, 1, 2]), [1, 0, 0.5]);
    assert.deepEqual(rankScores([7]), [0]);
  });
});
