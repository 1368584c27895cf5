import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type LineChartOptions, learningCurveSpec, lineChartSpec } from "../../stages/charts/line-chart.ts";
import { StageError } from "../../stages/core/errors.ts";

const OPTIONS: LineChartOptions = {
  fields: { x: "rate", y: "accuracy", series: "method", lower: "low", upper: "high" },
  xTitle: "poison rate",
  yTitle: "clean-test accuracy",
  title: "Accuracy by rate",
};

const RECORDS = [
  { method: "label_flip", rate: 0, accuracy: 0.95, low: 0.94, high: 0.96, extra: "ignored" },
  { method: "label_flip", rate: 0.5, accuracy: 0.6, low: 0.57, high: 0.63 },
];

describe("lineChartSpec", () => {
  it("copies only the chosen fields, under fixed names, with a band layer under the line", () => {
    const spec = lineChartSpec(RECORDS, OPTIONS) as any;
    assert.deepEqual(spec.data.values, [
      { x: 0, y: 0.95, series: "label_flip", lower: 0.94, upper: 0.96 },
      { x: 0.5, y: 0.6, series: "label_flip", lower: 0.57, upper: 0.63 },
    ]);
    assert.deepEqual(
      spec.layer.map((layer: any) => layer.mark.type),
      ["area", "line"],
    );
    assert.equal(spec.encoding.x.title, "poison rate");
    assert.equal(spec.encoding.color.title, "method");
  });

  it("draws no band when no interval fields are named, and turns number series into text", () => {
    const spec = lineChartSpec([{ rate: 0.1, rows: 10, accuracy: 0.9 }], {
      ...OPTIONS,
      fields: { x: "rows", y: "accuracy", series: "rate" },
    }) as any;
    assert.deepEqual(
      spec.layer.map((layer: any) => layer.mark.type),
      ["line"],
    );
    assert.equal(spec.data.values[0].series, "0.1");
  });

  const bad: Array<[string, unknown[], Partial<LineChartOptions>, RegExp]> = [
    ["no records", [], {}, /no records to draw/],
    [
      "a missing y",
      [{ method: "a", rate: 0, low: 0, high: 1 }],
      {},
      /record 0 has accuracy = \(missing\); expected a finite number/,
    ],
    [
      "a text x",
      [{ method: "a", rate: "0.1", accuracy: 1, low: 0, high: 1 }],
      {},
      /record 0 has rate = "0\.1"; expected a finite number/,
    ],
    ["NaN", [{ method: "a", rate: 0, accuracy: Number.NaN, low: 0, high: 1 }], {}, /accuracy = null/],
    [
      "an empty series",
      [{ method: "", rate: 0, accuracy: 1, low: 0, high: 1 }],
      {},
      /method = ""; expected a series name/,
    ],
    [
      "lower above upper",
      [{ method: "a", rate: 0, accuracy: 1, low: 0.9, high: 0.8 }],
      {},
      /low = 0\.9 above high = 0\.8/,
    ],
    [
      "a repeated point",
      [RECORDS[0], RECORDS[0]],
      {},
      /record 1 repeats method = label_flip at rate = 0; one record per point/,
    ],
    [
      "half a band",
      RECORDS,
      { fields: { x: "rate", y: "accuracy", series: "method", lower: "low" } },
      /needs both fields\.lower and fields\.upper/,
    ],
    ["an upside-down y range", RECORDS, { yDomain: [1, 0] }, /yDomain = \[1, 0\]/],
    ["a zero width", RECORDS, { width: 0 }, /width = 0; expected a whole number of pixels/],
  ];
  for (const [name, records, options, message] of bad) {
    it(`rejects ${name} with a message naming the chart, record and value`, () => {
      assert.throws(
        () => lineChartSpec(records as Record<string, unknown>[], { ...OPTIONS, ...options }),
        (error: unknown) =>
          error instanceof StageError &&
          /line chart "Accuracy by rate"/.test(error.message) &&
          message.test(error.message),
      );
    });
  }
});

describe("learningCurveSpec", () => {
  const curve = [
    { rate: 0, rows: 10, accuracy: 0.8 },
    { rate: 0, rows: 100, accuracy: 0.9 },
  ];
  const options = { fields: { x: "rows", y: "accuracy", series: "rate" }, yTitle: "clean-test accuracy" };

  it("puts training rows on a log x axis by default, and on a linear one when asked", () => {
    const logSpec = learningCurveSpec(curve, options) as any;
    assert.equal(logSpec.encoding.x.scale.type, "log");
    assert.equal(logSpec.encoding.x.title, "training rows");
    assert.equal((learningCurveSpec(curve, { ...options, logX: false }) as any).encoding.x.scale.type, undefined);
  });

  it("rejects zero rows on a log axis", () => {
    assert.throws(
      () => learningCurveSpec([{ rate: 0, rows: 0, accuracy: 0.5 }], options),
      /rows = 0; a log x axis needs values above 0/,
    );
  });
});
