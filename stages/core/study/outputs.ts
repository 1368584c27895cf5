import type { StudyResults } from "./results.ts";

/** A key DVC can show: 0.05 -> "rate_5", 0.125 -> "rate_12.5". */
export const rateKey = (rate: number): string => `rate_${Number((rate * 100).toFixed(1))}`;

/**
 * The study's DVC metrics: the means and interval ends that `dvc metrics diff` should show in review, keyed
 * method -> rate. The full results (every summary, every repeat's accuracy) go to their own file.
 */
export function studyMetrics(results: StudyResults) {
  const degradation: Record<string, Record<string, Record<string, number>>> = {};
  for (const cell of results.degradation) {
    degradation[cell.method] ??= {};
    (degradation[cell.method] as Record<string, Record<string, number>>)[rateKey(cell.rate)] = {
      accuracy: cell.accuracy.mean,
      accuracy_ci_low: cell.accuracy.ci95[0],
      accuracy_ci_high: cell.accuracy.ci95[1],
      f1_macro: cell.f1_macro.mean,
      accuracy_on_poisoned_test: cell.accuracy_on_poisoned_test.mean,
    };
  }
  const rowsNeeded = Object.fromEntries(
    Object.entries(results.rows_needed).map(([source, rows]) => [
      source,
      Object.fromEntries(rows.map((row) => [rateKey(row.rate), { rows: row.needed.rows, multiplier: row.multiplier }])),
    ]),
  );
  return { degradation, rows_needed: rowsNeeded };
}

/** The original project's attack and the rates it reported, picked out as the study's headline figures. */
export const HEADLINE_METHOD = "label_flip";
export const HEADLINE_RATES = [0.1, 0.5] as const;

/** "label_flip_10pct": a key prefix naming an attack and a rate. */
export const cellKey = (method: string, rate: number): string => `${method}_${Number((rate * 100).toFixed(1))}pct`;

/**
 * metrics/study-summary.json, the study's DVC metrics: mean clean-test accuracy without poison and under the
 * headline attack at the headline rates the study measured. The full tables are plain committed outputs.
 */
export function studySummary(results: StudyResults) {
  const accuracyAt = (rate: number) =>
    results.degradation.find((cell) => cell.method === HEADLINE_METHOD && cell.rate === rate)?.accuracy.mean;
  const summary: Record<string, number> = {};
  const clean = accuracyAt(0);
  if (clean !== undefined) summary.clean_accuracy = clean;
  for (const rate of HEADLINE_RATES) {
    const accuracy = accuracyAt(rate);
    if (accuracy !== undefined) summary[`${cellKey(HEADLINE_METHOD, rate)}_accuracy`] = accuracy;
  }
  return summary;
}

/** Plot data for DVC: accuracy against rate, one file per method (dvc.yaml overlays them as lines). */
export function degradationPlot(results: StudyResults, method: string) {
  return results.degradation
    .filter((cell) => cell.method === method)
    .map((cell) => ({
      rate: cell.rate,
      accuracy: cell.accuracy.mean,
      lower: cell.accuracy.ci95[0],
      upper: cell.accuracy.ci95[1],
    }));
}

/** Plot data for DVC: one row per training-set size, one field per poison rate (rate_0, rate_10, ...). */
export function learningCurvePlot(results: StudyResults, source: string) {
  const points = results.curves[source] ?? [];
  const sizes = [...new Set(points.map((point) => point.rows))].sort((a, b) => a - b);
  return sizes.map((rows) => ({
    rows,
    ...Object.fromEntries(
      points.filter((point) => point.rows === rows).map((point) => [rateKey(point.rate), point.accuracy.mean]),
    ),
  }));
}
