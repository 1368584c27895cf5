import type { DefenseCell } from "./defenses.ts";
import { cellKey, HEADLINE_METHOD, HEADLINE_RATES, rateKey } from "./outputs.ts";

/**
 * metrics/defenses-summary.json, the defense study's DVC metrics: against the headline attack at each headline
 * rate the study measured, the defense with the best mean clean-test accuracy and its gain over no defense.
 */
export function defenseSummary(cells: readonly DefenseCell[]) {
  const summary: Record<string, string | number> = {};
  for (const rate of HEADLINE_RATES) {
    const here = cells.filter((cell) => cell.method === HEADLINE_METHOD && cell.rate === rate);
    const none = here.find((cell) => cell.defense === "none");
    if (!none) continue;
    // Ties go to the defense listed first, so the choice does not depend on anything but the numbers.
    const best = here.reduce((a, b) => (b.accuracy.mean > a.accuracy.mean ? b : a));
    summary[`${cellKey(HEADLINE_METHOD, rate)}_best_defense`] = best.defense;
    summary[`${cellKey(HEADLINE_METHOD, rate)}_defense_gain`] = best.accuracy.mean - none.accuracy.mean;
  }
  return summary;
}

/** DVC metrics of the defense study: attack -> rate -> defense -> the means a reviewer diffs. */
export function defenseMetrics(cells: readonly DefenseCell[]) {
  const metrics: Record<string, Record<string, Record<string, Record<string, number>>>> = {};
  for (const cell of cells) {
    const byRate = metrics[cell.method] ?? {};
    metrics[cell.method] = byRate;
    const byDefense = byRate[rateKey(cell.rate)] ?? {};
    byRate[rateKey(cell.rate)] = byDefense;
    byDefense[cell.defense.replaceAll(" + ", "_plus_")] = {
      accuracy: cell.accuracy.mean,
      ...(cell.recall
        ? { precision: cell.precision?.mean ?? 0, recall: cell.recall.mean, auroc: cell.auroc?.mean ?? 0 }
        : {}),
    };
  }
  return metrics;
}
