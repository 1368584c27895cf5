import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng, deriveSeed } from "../../stages/core/rng.ts";
import { stratifiedSplit } from "../../stages/core/split.ts";
import { runDegradation } from "../../stages/core/study/degradation.ts";
import { runLearningCurve } from "../../stages/core/study/learning-curve.ts";
import { rowsToReach, textbookMultiplier } from "../../stages/core/study/rows-needed.ts";
import { intervalsExclude, summarize, tQuantile975 } from "../../stages/core/study/statistics.ts";
import { IRIS, IRIS_SCHEMA } from "../support/iris.ts";
import { nearestCentroid } from "../support/nearest-centroid.ts";

const iris = IRIS.rows;
const train = (rows: Parameters<typeof nearestCentroid>[0]) => nearestCentroid(rows);

describe("summarize", () => {
  it("gives mean, sample sd and the t-interval computed by hand", () => {
    const summary = summarize([1, 2, 3, 4]);
    assert.equal(summary.mean, 2.5);
    assert.ok(Math.abs(summary.sd - Math.sqrt(5 / 3)) < 1e-12);
    const half = (3.182 * Math.sqrt(5 / 3)) / 2;
    assert.ok(Math.abs(summary.ci95[0] - (2.5 - half)) < 1e-12);
    assert.ok(Math.abs(summary.ci95[1] - (2.5 + half)) < 1e-12);
  });

  it("has a zero-width interval for one value and t tends to 1.96", () => {
    assert.deepEqual(summarize([0.9]).ci95, [0.9, 0.9]);
    assert.ok(Math.abs(tQuantile975(1000) - 1.962) < 0.001);
    assert.ok(Math.abs(tQuantile975(40) - 2.021) < 0.001);
  });

  it("calls intervals exclusive only when they do not overlap", () => {
    const a = { n: 3, mean: 0.9, sd: 0, ci95: [0.88, 0.92] as [number, number] };
    assert.equal(intervalsExclude(a, { ...a, ci95: [0.93, 0.95] }), true);
    assert.equal(intervalsExclude(a, { ...a, ci95: [0.91, 0.95] }), false);
  });
});

describe("deriveSeed", () => {
  it("is stable per path and differs across paths", () => {
    assert.equal(deriveSeed(1, "split", 0), deriveSeed(1, "split", 0));
    assert.notEqual(deriveSeed(1, "split", 0), deriveSeed(1, "split", 1));
    assert.notEqual(deriveSeed(1, "split", 0), deriveSeed(2, "split", 0));
    assert.ok(Number.isInteger(deriveSeed(5, "x")) && deriveSeed(5, "x") >= 0);
  });
});

describe("runDegradation", () => {
  const spec = {
    seed: 3,
    repeats: 6,
    test_size: 0.2,
    methods: ["label_flip", "feature_noise"] as const,
    rates: [0, 0.5],
  };
  const cells = runDegradation(IRIS, spec, train);

  it("has one cell per method and rate, each summarising every repeat", () => {
    assert.deepEqual(
      cells.map((cell) => `${cell.method}@${cell.rate}`),
      ["label_flip@0", "label_flip@0.5", "feature_noise@0", "feature_noise@0.5"],
    );
    for (const cell of cells) {
      assert.equal(cell.accuracy.n, 6);
      assert.equal(cell.accuracy_values.length, 6);
      assert.equal(cell.accuracy.mean, summarize(cell.accuracy_values).mean);
    }
  });

  it("gives identical clean cells for every method (shared splits) and is deterministic", () => {
    assert.deepEqual(cells[0]?.accuracy_values, cells[2]?.accuracy_values);
    assert.deepEqual(runDegradation(IRIS, spec, train), cells);
  });

  it("scores the poisoned test copy lower than the clean test under heavy label flipping", () => {
    const flipped = cells[1];
    assert.ok(flipped && flipped.accuracy_on_poisoned_test.mean < flipped.accuracy.mean - 0.2);
  });

  it("reports progress up to the total, in steps and in work", () => {
    const seen: number[] = [];
    runDegradation(IRIS, { ...spec, repeats: 1 }, train, ({ done, total, work, totalWork }) => {
      assert.equal(total, 4);
      assert.ok(work > 0 && work <= totalWork);
      seen.push(done);
      if (done === total) assert.equal(work, totalWork);
    });
    assert.deepEqual(seen, [1, 2, 3, 4]);
  });
});

describe("runLearningCurve", () => {
  const source = (repeat: number) => {
    const { train, test } = stratifiedSplit(iris, 0.2, createRng(repeat));
    return { pool: train, test };
  };
  it("gives one point per rate and size, deterministic", () => {
    const spec = { seed: 1, repeats: 3, rates: [0, 0.3], sizes: [30, 120], schema: IRIS_SCHEMA };
    const points = runLearningCurve(source, spec, train);
    assert.deepEqual(
      points.map((point) => [point.rate, point.rows, point.accuracy.n]),
      [
        [0, 30, 3],
        [0, 120, 3],
        [0.3, 30, 3],
        [0.3, 120, 3],
      ],
    );
    assert.deepEqual(runLearningCurve(source, spec, train), points);
  });

  it("refuses sizes larger than the pool", () => {
    assert.throws(
      () => runLearningCurve(source, { seed: 1, repeats: 1, rates: [0], sizes: [500], schema: IRIS_SCHEMA }, train),
      /fewer than 500/,
    );
  });
});

describe("rowsToReach", () => {
  const curve = [
    { rows: 10, mean: 0.6 },
    { rows: 100, mean: 0.8 },
    { rows: 1000, mean: 0.95 },
  ];
  it("interpolates in log(rows) between the sizes around the crossing", () => {
    const needed = rowsToReach(curve, 0.7);
    assert.equal(needed.bound, "interpolated");
    assert.ok(Math.abs(needed.rows - Math.sqrt(10 * 100)) < 1e-9);
  });
  it("says at most the first size, or more than the last", () => {
    assert.deepEqual(rowsToReach(curve, 0.5), { rows: 10, bound: "at_most" });
    assert.deepEqual(rowsToReach(curve, 0.99), { rows: 1000, bound: "more_than" });
  });
});

describe("textbookMultiplier", () => {
  it("matches 1/(1 - eta K/(K-1))^2 for K = 3", () => {
    assert.equal(textbookMultiplier(0, 3), 1);
    assert.ok(Math.abs((textbookMultiplier(0.1, 3) as number) - 1 / 0.85 ** 2) < 1e-12);
    assert.ok(Math.abs((textbookMultiplier(0.5, 3) as number) - 16) < 1e-9);
    assert.equal(textbookMultiplier(0.7, 3), null);
  });
});
