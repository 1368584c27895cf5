import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ForestFile } from "../../stages/core/forest/forest-file.ts";
import { matrixFromRows } from "../../stages/core/forest/matrix.ts";
import { type Forest, type ForestSettings, trainForest } from "../../stages/core/forest/train-forest.ts";
import {
  type Estimate,
  type EstimateState,
  formatSeconds,
  nextEstimate,
  type ProgressStep,
  progressLine,
  shouldPrint,
  startEstimate,
  uniformStep,
} from "../../stages/core/progress.ts";
import { createRng } from "../../stages/core/rng.ts";
import { runStudy } from "../../stages/core/study/run-study.ts";
import { fitSynthetic } from "../../stages/core/synthetic.ts";
import { trainForestInThreads } from "../../stages/shell/forest-pool.ts";
import { IRIS } from "../support/iris.ts";
import { nearestCentroid } from "../support/nearest-centroid.ts";

/** Feeds the estimator steps at the given times (seconds) and returns every estimate. */
function estimates(steps: readonly [ProgressStep, number][]): Estimate[] {
  let state: EstimateState = startEstimate(0);
  return steps.map(([step, now]) => {
    const estimate = nextEstimate(state, step, now);
    state = estimate.state;
    return estimate;
  });
}

describe("nextEstimate", () => {
  it("gives the exact time left when work goes at a steady pace", () => {
    const steady = estimates([1, 2, 3, 4].map((second) => [uniformStep(second * 10, 100), second]));
    for (const [index, estimate] of steady.entries()) {
      assert.ok(Math.abs((estimate.secondsLeft ?? Number.NaN) - (10 - (index + 1))) < 1e-9);
      assert.ok(Math.abs(estimate.stepsPerSecond - 10) < 1e-9);
    }
  });

  it("weighs steps by their cost: cheap steps first do not promise an early end", () => {
    // 50 cheap steps (1 unit each) then 50 costly ones (19 units each): 1,000 units of work, 10 units per second.
    const step = (done: number): ProgressStep => ({
      done,
      total: 100,
      work: done <= 50 ? done : 50 + (done - 50) * 19,
      totalWork: 1000,
    });
    const [afterCheap] = estimates([[step(50), 5]]);
    // By step count half is done after 5 s, so a count would say 5 s left; the work says 95 s.
    assert.ok(Math.abs((afterCheap?.secondsLeft ?? 0) - 95) < 1e-9);
  });

  it("converges to the real pace when the cost model is wrong, and reaches 0 at the end", () => {
    // The model says every step costs the same, but the second half goes 4 times slower: 0.2 s then 0.8 s a step.
    const times: [ProgressStep, number][] = [];
    for (let done = 1; done <= 200; done++) {
      const now = done <= 100 ? done * 0.2 : 20 + (done - 100) * 0.8;
      times.push([uniformStep(done, 200), now]);
    }
    const all = estimates(times);
    const trueLeft = (done: number) => 100 - (times[done - 1]?.[1] ?? 0);
    const relativeError = (done: number) =>
      Math.abs((all[done - 1]?.secondsLeft ?? 0) - trueLeft(done)) / trueLeft(done);
    assert.ok(relativeError(105) > 0.5, `right after the slowdown the estimate is far off: ${relativeError(105)}`);
    assert.ok(relativeError(150) < relativeError(120), "the error shrinks");
    assert.ok(relativeError(180) < 0.1, `48 s into the new pace it is within 10 %: ${relativeError(180)}`);
    assert.equal(all.at(-1)?.secondsLeft, 0);
  });

  it("has no time left to offer before any work was measured", () => {
    const [first] = estimates([[uniformStep(0, 10), 3]]);
    assert.equal(first?.secondsLeft, null);
    assert.equal(first?.elapsedSeconds, 3);
  });
});

describe("shouldPrint", () => {
  it("prints the first step, the last, and otherwise at most every two seconds", () => {
    assert.equal(shouldPrint(null, { done: 1, total: 10 }, 0.1, 0.1), true);
    assert.equal(shouldPrint(0.1, { done: 2, total: 10 }, 1.5, 1.5), false);
    assert.equal(shouldPrint(0.1, { done: 3, total: 10 }, 2.1, 2.1), true);
    assert.equal(shouldPrint(2.1, { done: 10, total: 10 }, 2.2, 2.2), true);
  });

  it("stays quiet about work shorter than the quiet time, the last step included", () => {
    const rule = { everySeconds: 2, quietSeconds: 2 };
    assert.equal(shouldPrint(null, { done: 1, total: 100 }, 101.5, 1.5, rule), false);
    assert.equal(shouldPrint(null, { done: 100, total: 100 }, 101.9, 1.9, rule), false);
    assert.equal(shouldPrint(null, { done: 7, total: 100 }, 102.5, 2.5, rule), true);
  });
});

describe("progressLine", () => {
  it("says count, share of the work, rate, elapsed and time left; the last line says total/total", () => {
    const step = { done: 540, total: 988, work: 177_000, totalWork: 600_000 };
    const estimate = nextEstimate(startEstimate(0), step, 13);
    assert.equal(
      progressLine("study", "forests", step, estimate),
      "study: 540/988 forests (29 % of the work), 41.5 forests/s, 13 s elapsed, ~31 s left",
    );
    const last = { done: 988, total: 988, work: 600_000, totalWork: 600_000 };
    assert.equal(
      progressLine("study", "forests", last, nextEstimate(startEstimate(0), last, 125)),
      "study: 988/988 forests, done in 2 min 05 s (7.90 forests/s)",
    );
  });

  it("leaves out the share of work when every step costs the same", () => {
    const step = uniformStep(3, 100);
    assert.equal(
      progressLine("train", "trees", step, nextEstimate(startEstimate(0), step, 6)),
      "train: 3/100 trees, 0.50 trees/s, 6 s elapsed, ~3 min 14 s left",
    );
  });

  it("formats durations for people", () => {
    assert.deepEqual([0.4, 59.4, 61, 3725].map(formatSeconds), ["0 s", "59 s", "1 min 01 s", "1 h 02 min"]);
  });
});

describe("runStudy progress", () => {
  it("counts every fit once and ends with all the work done", () => {
    const iris = IRIS;
    const spec = {
      seed: 1,
      repeats: 2,
      test_size: 0.2,
      methods: ["label_flip"] as const,
      rates: [0, 0.1],
      curves: {
        repeats: 1,
        rates: [0, 0.3],
        iris_sizes: [30, 60],
        synthetic_sizes: [50, 500],
        synthetic_test_rows: 100,
        target_accuracy: 0.9,
      },
    };
    const steps: ProgressStep[] = [];
    runStudy(
      iris,
      spec,
      (rows) => nearestCentroid(rows),
      fitSynthetic(iris),
      (step) => steps.push(step),
    );
    const total = 2 * 2 + 2 * 2 + 2 * 2;
    assert.deepEqual(
      steps.map((step) => step.done),
      Array.from({ length: total }, (_, index) => index + 1),
    );
    assert.ok(steps.every((step) => step.total === total && step.totalWork === steps[0]?.totalWork));
    assert.ok(steps.every((step, index) => index === 0 || step.work > (steps[index - 1]?.work ?? 0)));
    assert.equal(steps.at(-1)?.work, steps.at(-1)?.totalWork);
    // The last fit, on 500 synthetic rows, weighs more than a degradation fit on IRIS's 120.
    const last = steps.at(-1) as ProgressStep;
    const beforeLast = steps.at(-2) as ProgressStep;
    assert.ok(last.work - beforeLast.work > (steps[0] as ProgressStep).work * 1.5);
  });
});

describe("trainForestInThreads progress", () => {
  const iris = IRIS;
  const matrix = matrixFromRows(fitSynthetic(iris)(2000, createRng(3)), 3);
  const settings: ForestSettings = {
    trees: 8,
    seed: 4,
    maxFeatures: 2,
    maxDepth: Number.POSITIVE_INFINITY,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
  };
  const text = (forest: Forest) => JSON.stringify(new ForestFile(forest));

  for (const [threads, growInThisThread] of [
    [1, true],
    [2, false],
    [2, true],
  ] as const) {
    it(`counts every tree once, up to the total, on ${threads} thread(s) (this one growing: ${growInThisThread}), and leaves the forest as it was`, async () => {
      const counts: number[] = [];
      const forest = await trainForestInThreads(matrix, settings, threads, {
        growInThisThread,
        onTreesGrown: (grown, total) => {
          assert.equal(total, settings.trees);
          counts.push(grown);
        },
      });
      assert.ok(
        counts.every((count, index) => index === 0 || count > (counts[index - 1] ?? 0)),
        `rising counts: ${counts.join(", ")}`,
      );
      assert.equal(counts.at(-1), settings.trees);
      assert.equal(text(forest), text(trainForest(matrix, settings)));
    });
  }
});
