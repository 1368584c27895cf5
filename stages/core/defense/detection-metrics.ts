import { averageRanks } from "./ranks.ts";

/** How well flags and scores find the rows the poison manifest lists. */
export interface DetectionScores {
  rows: number;
  poisoned: number;
  flagged: number;
  /** Rows removed by the defense (= flagged). */
  removed: number;
  true_positives: number;
  false_positives: number;
  false_negatives: number;
  /** Share of flagged rows that were poisoned; 0 when nothing is flagged (scikit-learn's zero_division). */
  precision: number;
  /** Share of poisoned rows flagged; 0 when nothing was poisoned. */
  recall: number;
  f1: number;
  /** Probability a poisoned row scores above a clean one; null when either group is empty. */
  auroc: number | null;
}

/** Scores a detection against the manifest's rows (indices into the table the detector saw). */
export function scoreDetection(
  flags: readonly boolean[],
  scores: readonly number[],
  manifestRows: readonly { row: number }[],
): DetectionScores {
  const poisoned = new Set(manifestRows.map(({ row }) => row));
  const truth = flags.map((_, i) => poisoned.has(i));
  const flagged = flags.filter(Boolean).length;
  const truePositives = flags.filter((flag, i) => flag && truth[i]).length;
  const precision = ratio(truePositives, flagged);
  const recall = ratio(truePositives, poisoned.size);
  return {
    rows: flags.length,
    poisoned: poisoned.size,
    flagged,
    removed: flagged,
    true_positives: truePositives,
    false_positives: flagged - truePositives,
    false_negatives: poisoned.size - truePositives,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    auroc: auroc(scores, truth),
  };
}

/** Area under the ROC curve via the Mann-Whitney U statistic; ties count one half. */
export function auroc(scores: readonly number[], positive: readonly boolean[]): number | null {
  const positives = positive.filter(Boolean).length;
  const negatives = positive.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const ranks = averageRanks(scores);
  const positiveRankSum = ranks.reduce((sum, rank, i) => (positive[i] ? sum + rank : sum), 0);
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
