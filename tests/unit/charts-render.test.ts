import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TopLevelSpec } from "vega-lite";
import { learningCurveSpec, lineChartSpec } from "../../stages/charts/line-chart.ts";
import { renderSvg } from "../../stages/charts/render.ts";
import { StageError } from "../../stages/core/errors.ts";

const METHODS = ["label_flip", "feature_noise", "inject"];
const RATES = [0, 0.1, 0.5];
const DEGRADATION = METHODS.flatMap((method, index) =>
  RATES.map((rate) => ({
    method,
    rate,
    accuracy: 0.95 - rate * (index + 1) * 0.2,
    low: 0.9 - rate * (index + 1) * 0.2,
    high: 0.97 - rate * (index + 1) * 0.2,
  })),
);
const DEGRADATION_SPEC = lineChartSpec(DEGRADATION, {
  fields: { x: "rate", y: "accuracy", series: "method", lower: "low", upper: "high" },
  xTitle: "poison rate",
  yTitle: "clean-test accuracy",
  title: "Accuracy by poison rate",
  yDomain: [0, 1], // clipped marks: the SVG then carries clip-path ids, which must not drift between charts
});

/** The <path> items inside each group of one data mark type, e.g. "line" or "area". */
function markPaths(svg: string, mark: string): number[] {
  const groups = svg.matchAll(new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>(.*?)</g>`, "g"));
  return [...groups].map((group) => (group[1] ?? "").match(/<path /g)?.length ?? 0);
}

describe("renderSvg", () => {
  it("draws one line and one band path per series", async () => {
    const svg = await renderSvg(DEGRADATION_SPEC);
    assert.ok(svg.startsWith("<svg "), "a standalone SVG document");
    assert.equal(
      markPaths(svg, "line").reduce((sum, count) => sum + count, 0),
      METHODS.length,
    );
    assert.equal(
      markPaths(svg, "area").reduce((sum, count) => sum + count, 0),
      METHODS.length,
    );
    for (const method of METHODS) assert.ok(svg.includes(`>${method}</text>`), `legend names ${method}`);
  });

  it("gives byte-identical SVG for the same spec, even after rendering other charts", async () => {
    const first = await renderSvg(DEGRADATION_SPEC);
    await renderSvg(
      learningCurveSpec(
        [
          { rate: 0, rows: 10, accuracy: 0.8 },
          { rate: 0, rows: 90, accuracy: 0.9 },
        ],
        {
          fields: { x: "rows", y: "accuracy", series: "rate" },
          yTitle: "accuracy",
          yDomain: [0, 1],
        },
      ),
    );
    const second = await renderSvg(structuredClone(DEGRADATION_SPEC));
    assert.match(first, /clip-path="url\(#clip\d+\)"/);
    assert.equal(second, first);
  });

  it("refuses a spec that asks to load data from a file or URL", async () => {
    const spec = { data: { url: "data/cars.json" }, mark: "point" } as TopLevelSpec;
    await assert.rejects(
      renderSvg(spec),
      (error: unknown) => error instanceof StageError && /data must be inline.*data\/cars\.json/.test(error.message),
    );
  });

  it("turns a vega-lite warning into an error naming the chart", async () => {
    const spec = {
      title: "broken",
      data: { values: [{ a: 1 }] },
      mark: "bar",
      encoding: { x: { type: "quantitative" } },
    } as TopLevelSpec;
    await assert.rejects(
      renderSvg(spec),
      (error: unknown) => error instanceof StageError && /chart "broken": warning: /.test(error.message),
    );
  });
});
