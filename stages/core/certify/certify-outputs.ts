import { round6 } from "../format.ts";
import type { Aggregation } from "../params.ts";
import { type Certified, certifiedAccuracy } from "./certificate.ts";

/**
 * metrics/certify.json: plain accuracy of the vote and certified accuracy at each budget (the share of test
 * points both correct and certified at radius >= r), as flat keys so `dvc metrics show` stays one short line.
 */
export function certifyMetrics(
  results: readonly Certified[],
  labels: readonly number[],
  budgets: readonly number[],
): Record<string, number> {
  const metrics: Record<string, number> = { accuracy: round6(certifiedAccuracy(results, labels, 0)) };
  for (const r of [...budgets].sort((a, b) => a - b)) {
    metrics[`certified_accuracy_r${r}`] = round6(certifiedAccuracy(results, labels, r));
  }
  return metrics;
}

/**
 * metrics/certify-plot.json: certified accuracy at every radius from 0 to the largest budget, in the shape of
 * the project's series-lines template (one run: no interval, so lower = upper = the value).
 */
export function certifyPlot(
  results: readonly Certified[],
  labels: readonly number[],
  budgets: readonly number[],
  series: string,
) {
  const largest = Math.max(...budgets);
  return Array.from({ length: largest + 1 }, (_, radius) => {
    const value = round6(certifiedAccuracy(results, labels, radius));
    return { series, radius, certified_accuracy: value, lower: value, upper: value };
  });
}

/** The plot's series name: parts and base model, and the aggregation unless it is plurality (the name it had before run-off came). */
export function certifySeries(k: number, trees: number, aggregation: Aggregation): string {
  const base = trees === 1 ? "one tree" : `${trees} trees`;
  return `k=${k}, ${base} per part${aggregation === "run_off" ? ", run-off" : ""}`;
}
