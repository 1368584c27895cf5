import type { DegradationCell } from "./degradation.ts";
import type { CurvePoint } from "./learning-curve.ts";
import { type RowsNeeded, rowsToReach, textbookMultiplier } from "./rows-needed.ts";

/** How a multiplier is known: from two interpolated counts, or only as a bound, or not at all. */
export type MultiplierBound = "about" | "at_least" | "at_most" | "unknown";

export interface RowsNeededRow {
  rate: number;
  needed: RowsNeeded;
  multiplier: number;
  multiplier_bound: MultiplierBound;
  textbook: number | null;
}

/** Everything the study measured; the report and the README table are written from this alone. */
export interface StudyResults {
  repeats: number;
  train_rows: number;
  test_rows: number;
  degradation: DegradationCell[];
  curves: Record<string, CurvePoint[]>;
  rows_needed: Record<string, RowsNeededRow[]>;
  target_accuracy: number;
  class_count: number;
}

/** Rows needed per rate to reach the target, and the multiplier over the clean (rate 0) curve. */
export function rowsNeededTable(points: readonly CurvePoint[], target: number, classCount: number): RowsNeededRow[] {
  const rates = [...new Set(points.map((point) => point.rate))].sort((a, b) => a - b);
  const neededAt = (rate: number) =>
    rowsToReach(
      points.filter((point) => point.rate === rate).map((point) => ({ rows: point.rows, mean: point.accuracy.mean })),
      target,
    );
  const clean = neededAt(0);
  return rates.map((rate) => {
    const needed = neededAt(rate);
    return {
      rate,
      needed,
      multiplier: needed.rows / clean.rows,
      multiplier_bound: rate === 0 ? "about" : multiplierBound(needed, clean),
      textbook: textbookMultiplier(rate, classCount),
    };
  });
}

/** A ratio of two counts is exact only if both are; a bound on either end makes the ratio a bound or unknown. */
function multiplierBound(needed: RowsNeeded, clean: RowsNeeded): MultiplierBound {
  const up = needed.bound === "more_than" || clean.bound === "at_most";
  const down = needed.bound === "at_most" || clean.bound === "more_than";
  if (up && down) return "unknown";
  if (up) return "at_least";
  if (down) return "at_most";
  return "about";
}
