import type { AcrossResults } from "./across.ts";
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

/** The poison rate as a whole percent for axes and legends: 0.05 -> 5, 0.125 -> 12.5. */
const percentOf = (rate: number): number => Number((rate * 100).toFixed(1));

/**
 * Plot data for DVC, one row per point in long format: `series` names the line a person sees in the legend,
 * so the plot template colours by it (DVC's own templates can only tell fields or files apart by dash).
 */
export interface SeriesPoint {
  series: string;
  [field: string]: string | number;
}

/** Accuracy against the poison rate (in %), one series per attack, with the 95 % interval ends. */
export function degradationPlot(results: StudyResults): SeriesPoint[] {
  return results.degradation.map((cell) => ({
    series: cell.method,
    poison_rate_pct: percentOf(cell.rate),
    accuracy: cell.accuracy.mean,
    lower: cell.accuracy.ci95[0],
    upper: cell.accuracy.ci95[1],
  }));
}

/** label_flip accuracy against the poison rate (in %), one series per data set, with the 95 % interval ends. */
export function degradationAcrossPlot(across: AcrossResults): SeriesPoint[] {
  return Object.entries(across.datasets).flatMap(([name, data]) =>
    data.degradation.map((cell) => ({
      series: name,
      poison_rate_pct: percentOf(cell.rate),
      accuracy: cell.accuracy.mean,
      lower: cell.accuracy.ci95[0],
      upper: cell.accuracy.ci95[1],
    })),
  );
}

/** A learning curve's legend name: "0 % flipped", "10 % flipped" (the curves poison by label_flip). */
export const curveSeriesName = (rate: number): string => `${percentOf(rate)} % flipped`;

/** Accuracy against training rows, one series per poison rate, ordered by rate then rows. */
export function learningCurvePlot(results: StudyResults, source: string): SeriesPoint[] {
  const points = [...(results.curves[source] ?? [])].sort((a, b) => a.rate - b.rate || a.rows - b.rows);
  return points.map((point) => ({
    series: curveSeriesName(point.rate),
    rows: point.rows,
    accuracy: point.accuracy.mean,
    lower: point.accuracy.ci95[0],
    upper: point.accuracy.ci95[1],
  }));
}
