import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accuracy, classificationReport, confusionMatrix } from "../../stages/core/metrics.ts";

describe("confusionMatrix", () => {
  it("counts [actual][predicted]", () => {
    const actual = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const predicted = [0, 0, 1, 1, 2, 2, 2, 2, 0];
    assert.deepEqual(confusionMatrix(actual, predicted, 3), [
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 3],
    ]);
  });

  it("refuses lists of different lengths and labels out of range", () => {
    assert.throws(() => confusionMatrix([0, 1], [0], 2));
    assert.throws(() => confusionMatrix([0, 3], [0, 1], 2));
  });
});

describe("classificationReport", () => {
  it("matches figures computed by hand", () => {
    // Class 0: TP 2, predicted 3, support 3 -> P 2/3, R 2/3
    // Class 1: TP 1, predicted 2, support 2 -> P 1/2, R 1/2
    // Class 2: TP 3, predicted 4, support 4 -> P 3/4, R 3/4
    const report = classificationReport([
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 3],
    ]);
    const close = (actual: number, expected: number) =>
      assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
    close(report.accuracy, 6 / 9);
    close(report.precision_macro, (2 / 3 + 1 / 2 + 3 / 4) / 3);
    close(report.recall_macro, (2 / 3 + 1 / 2 + 3 / 4) / 3);
    close(report.f1_macro, (2 / 3 + 1 / 2 + 3 / 4) / 3); // P = R per class, so F1 = P
    close(report.precision_weighted, (3 * (2 / 3) + 2 * (1 / 2) + 4 * (3 / 4)) / 9);
    assert.deepEqual(
      report.per_class.map((scores) => scores.support),
      [3, 2, 4],
    );
  });

  it("uses unequal precision and recall correctly in F1", () => {
    // Class 0: TP 1, predicted 1, support 2 -> P 1, R 0.5, F1 2/3. Class 1: TP 2, predicted 3, support 2 -> P 2/3, R 1, F1 0.8.
    const report = classificationReport([
      [1, 1],
      [0, 2],
    ]);
    const [first, second] = report.per_class;
    assert.ok(first && second);
    assert.ok(Math.abs(first.f1 - 2 / 3) < 1e-12);
    assert.ok(Math.abs(second.f1 - 0.8) < 1e-12);
    assert.ok(Math.abs(report.f1_weighted - (2 * (2 / 3) + 2 * 0.8) / 4) < 1e-12);
  });

  it("scores a class never predicted as 0 precision instead of dividing by zero", () => {
    const report = classificationReport([
      [2, 0],
      [2, 0],
    ]);
    assert.equal(report.per_class[1]?.precision, 0);
    assert.equal(report.per_class[1]?.f1, 0);
    assert.equal(report.accuracy, 0.5);
  });
});

describe("accuracy", () => {
  it("is the share of matching positions", () => {
    assert.equal(accuracy([0, 1, 2, 2], [0, 1, 1, 2]), 0.75);
  });
});
