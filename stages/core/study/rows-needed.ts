/** How many training rows a learning curve needs to reach a target accuracy, and the textbook estimate. */

export interface RowsNeeded {
  /** Interpolated row count, or the bound when the target is met at the first size or never. */
  rows: number;
  bound: "interpolated" | "at_most" | "more_than";
}

/**
 * The first crossing of `target` by the mean accuracy, interpolated linearly in log(rows) between the two sizes
 * around it. Met at the smallest size: at most that size. Never met: more than the largest size.
 */
export function rowsToReach(curve: ReadonlyArray<{ rows: number; mean: number }>, target: number): RowsNeeded {
  const points = [...curve].sort((a, b) => a.rows - b.rows);
  const first = points[0];
  if (first === undefined) throw new Error("rowsToReach: empty curve");
  if (first.mean >= target) return { rows: first.rows, bound: "at_most" };
  for (let i = 1; i < points.length; i++) {
    const low = points[i - 1] as { rows: number; mean: number };
    const high = points[i] as { rows: number; mean: number };
    if (high.mean >= target) {
      const share = (target - low.mean) / (high.mean - low.mean);
      const logRows = Math.log(low.rows) + share * (Math.log(high.rows) - Math.log(low.rows));
      return { rows: Math.exp(logRows), bound: "interpolated" };
    }
  }
  return { rows: (points[points.length - 1] as { rows: number }).rows, bound: "more_than" };
}

/**
 * Symmetric label noise at rate eta over K classes leaves a label margin of 1 - eta K/(K-1); the rows needed grow
 * roughly as 1/margin^2. Null once the noise hides the true class (eta >= (K-1)/K).
 */
export function textbookMultiplier(eta: number, classCount: number): number | null {
  const margin = 1 - (eta * classCount) / (classCount - 1);
  return margin > 0 ? 1 / margin ** 2 : null;
}
