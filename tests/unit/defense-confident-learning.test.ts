import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  argmax,
  confidentThresholds,
  countConfidentJoint,
  findLabelIssues,
  roundPreservingSum,
} from "../../stages/core/defense/confident-learning.ts";

// Out-of-fold probabilities where the answer is known: rows 0-3 are class 0, rows 4-7 class 1, rows 8-11
// class 2, all confidently; row 3 is labelled 1 but looks like class 0, row 9 is labelled 0 but looks like 2.
const labels = [0, 0, 0, 1, 1, 1, 1, 1, 2, 0, 2, 2];
const probabilities = [
  [0.9, 0.05, 0.05],
  [0.8, 0.1, 0.1],
  [0.85, 0.1, 0.05],
  [0.9, 0.05, 0.05],
  [0.1, 0.8, 0.1],
  [0.05, 0.9, 0.05],
  [0.1, 0.85, 0.05],
  [0.2, 0.7, 0.1],
  [0.05, 0.05, 0.9],
  [0.05, 0.1, 0.85],
  [0.1, 0.1, 0.8],
  [0.05, 0.15, 0.8],
];

describe("confident learning", () => {
  it("thresholds each class at the mean probability of that class over the rows labelled with it", () => {
    const thresholds = confidentThresholds(labels, probabilities, 3);
    assert.ok(Math.abs((thresholds[0] as number) - (0.9 + 0.8 + 0.85 + 0.05) / 4) < 1e-12);
    assert.ok(Math.abs((thresholds[1] as number) - (0.05 + 0.8 + 0.9 + 0.85 + 0.7) / 5) < 1e-12);
    assert.ok(Math.abs((thresholds[2] as number) - (0.9 + 0.8 + 0.8) / 3) < 1e-12);
  });

  it("counts the two mislabelled rows off the diagonal of the confident joint", () => {
    const joint = countConfidentJoint(labels, probabilities, confidentThresholds(labels, probabilities, 3));
    assert.equal(joint[1]?.[0], 1, "given 1, truly 0: row 3");
    assert.equal(joint[0]?.[2], 1, "given 0, truly 2: row 9");
    assert.equal(joint[0]?.[1], 0);
    assert.equal(joint[2]?.[0], 0);
  });

  it("flags exactly the mislabelled rows and suggests their true class", () => {
    const issues = findLabelIssues(labels, probabilities);
    assert.deepEqual(
      issues.flags.flatMap((flag, i) => (flag ? [i] : [])),
      [3, 9],
    );
    assert.equal(issues.suggested[3], 0);
    assert.equal(issues.suggested[9], 2);
  });

  it("scores each row by 1 - probability of its given label, so the mislabelled rows rank highest", () => {
    const { scores } = findLabelIssues(labels, probabilities);
    assert.ok(Math.abs((scores[3] as number) - 0.95) < 1e-12);
    const ranked = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
    assert.deepEqual(ranked.slice(0, 2).sort(), [3, 9]);
  });

  it("never flags a row whose given label is its most probable class", () => {
    const clean = [0, 1, 2, 0, 1, 2];
    const shares = [
      [0.6, 0.3, 0.1],
      [0.3, 0.4, 0.3],
      [0.2, 0.3, 0.5],
      [0.9, 0.1, 0],
      [0.1, 0.8, 0.1],
      [0.1, 0.1, 0.8],
    ];
    assert.deepEqual(findLabelIssues(clean, shares).flags, new Array(6).fill(false));
  });
});

describe("helpers", () => {
  it("rounds keeping the total, giving the remainder to the largest fractions", () => {
    assert.deepEqual(roundPreservingSum([1.4, 1.4, 1.2]), [2, 1, 1]);
    assert.deepEqual(roundPreservingSum([0.5, 0.5]), [1, 0]);
    assert.deepEqual(roundPreservingSum([3, 0, 2]), [3, 0, 2]);
  });

  it("argmax sends ties to the lower index", () => {
    assert.equal(argmax([0.2, 0.4, 0.4]), 1);
    assert.equal(argmax([1, 1, 1]), 0);
  });
});
