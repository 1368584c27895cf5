import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curveSeriesName, degradationPlot, learningCurvePlot } from "../../stages/core/study/outputs.ts";
import type { StudyResults } from "../../stages/core/study/results.ts";
import { summarize } from "../../stages/core/study/statistics.ts";

const summary = (mean: number) => summarize([mean - 0.01, mean, mean + 0.01]);
const cell = (method: "label_flip" | "inject", rate: number, mean: number) => ({
  method,
  rate,
  accuracy: summary(mean),
  precision_macro: summary(mean),
  recall_macro: summary(mean),
  f1_macro: summary(mean),
  accuracy_on_poisoned_test: summary(mean),
  accuracy_values: [mean - 0.01, mean, mean + 0.01],
});
const point = (rate: number, rows: number, mean: number) => ({ rate, rows, accuracy: summary(mean) });
// Only the fields the plot data reads; the rest of a study's results do not matter here.
const results = {
  degradation: [cell("label_flip", 0, 0.96), cell("label_flip", 0.125, 0.9), cell("inject", 0, 0.96)],
  curves: { synthetic: [point(0.3, 100, 0.8), point(0, 100, 0.95), point(0, 10, 0.88), point(0.3, 10, 0.6)] },
} as unknown as StudyResults;

describe("study plot data for DVC", () => {
  it("has one row per point, the series named in words and the poison rate in %", () => {
    const rows = degradationPlot(results);
    assert.deepEqual(
      rows.map(({ series, poison_rate_pct }) => [series, poison_rate_pct]),
      [
        ["label_flip", 0],
        ["label_flip", 12.5],
        ["inject", 0],
      ],
    );
    const first = rows[0] as Record<string, number | string>;
    assert.equal(first.accuracy, results.degradation[0]?.accuracy.mean);
    assert.ok(
      (first.lower as number) < (first.accuracy as number) && (first.accuracy as number) < (first.upper as number),
    );
  });

  it("names learning curves by the share flipped and orders them by rate, then rows", () => {
    assert.equal(curveSeriesName(0.1), "10 % flipped");
    assert.deepEqual(
      learningCurvePlot(results, "synthetic").map(({ series, rows, accuracy }) => [
        series,
        rows,
        Number((accuracy as number).toFixed(6)),
      ]),
      [
        ["0 % flipped", 10, 0.88],
        ["0 % flipped", 100, 0.95],
        ["30 % flipped", 10, 0.6],
        ["30 % flipped", 100, 0.8],
      ],
    );
  });
});
