/**
 * A static confusion matrix per revision, for `npm run review`. DVC's own `confusion` template is interactive
 * (a hover selection and a checkbox bound to the page), which has no meaning in an SVG file; this draws the
 * same counts, one panel per revision side by side, with the count in each cell.
 */
import type { TopLevelSpec } from "vega-lite";
import { StageError } from "../core/errors.ts";

export interface ConfusionFields {
  /** The field holding the predicted class (dvc.yaml's x) and the true class (dvc.yaml's y). */
  predicted: string;
  actual: string;
  title: string;
  /** The revisions in the order their panels are drawn. */
  revisions: readonly string[];
}

/** `records` as `dvc plots diff --json` gives them: one per test row, with a `rev` field. */
export function confusionSpec(records: readonly Record<string, unknown>[], fields: ConfusionFields): TopLevelSpec {
  if (records.length === 0) throw new StageError(`confusion matrix "${fields.title}": no records to draw`);
  const values = records.map((record, index) => ({
    predicted: label(record, fields.predicted, index, fields.title),
    actual: label(record, fields.actual, index, fields.title),
    rev: label(record, "rev", index, fields.title),
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: fields.title,
    data: { values },
    transform: [
      { aggregate: [{ op: "count", as: "count" }], groupby: ["rev", "actual", "predicted"] },
      { joinaggregate: [{ op: "max", field: "count", as: "most" }] },
    ],
    facet: { column: { field: "rev", type: "nominal", title: "revision", sort: [...fields.revisions] } },
    spec: {
      width: 200,
      height: 200,
      encoding: {
        x: { field: "predicted", type: "nominal", title: "predicted", sort: "ascending" },
        y: { field: "actual", type: "nominal", title: "actual", sort: "ascending" },
      },
      layer: [
        { mark: "rect", encoding: { color: { field: "count", type: "quantitative", title: "test rows" } } },
        {
          mark: "text",
          encoding: {
            text: { field: "count", type: "quantitative" },
            // White on the dark cells, black on the light ones.
            color: { condition: { test: "datum.count > datum.most / 2", value: "white" }, value: "black" },
          },
        },
      ],
    },
  };
}

function label(record: Record<string, unknown>, field: string, index: number, title: string): string {
  const value = record[field];
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new StageError(`confusion matrix "${title}": record ${index} has no class in ${field}`);
}
