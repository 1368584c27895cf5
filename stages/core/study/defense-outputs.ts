import type { DefenseCell } from "./defenses.ts";
import { rateKey } from "./outputs.ts";

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
