/**
 * Confident learning (Northcutt, Jiang & Chuang 2021), as cleanlab's find_label_issues does it by default
 * (filter_by="prune_by_noise_rate"), on out-of-fold class probabilities:
 *  1. per-class thresholds: t_j = mean probability of class j over the rows labelled j;
 *  2. the confident joint C[given][true]: a row counts towards the class whose probability clears its
 *     threshold (the most probable class when several do); rows where none does are not counted;
 *  3. C is calibrated so each given-label row sums to that label's row count;
 *  4. for each given label i and other class j, the C[i][j] rows labelled i with the largest margin
 *     p_j - p_i are flagged;
 *  5. a row whose given label is also the most probable class is never flagged.
 */

export interface LabelIssues {
  flags: boolean[];
  /** 1 - probability of the given label: the ranking ("self-confidence") used for AUROC. */
  scores: number[];
  /** The most probable class of each row. */
  suggested: number[];
  thresholds: number[];
  /** Calibrated confident joint, counts[given][true]. */
  confidentJoint: number[][];
}

// cleanlab's tolerance when comparing a probability to its threshold.
const TOLERANCE = 1e-6;

export function findLabelIssues(labels: readonly number[], probabilities: readonly (readonly number[])[]): LabelIssues {
  const classCount = probabilities[0]?.length ?? 0;
  const thresholds = confidentThresholds(labels, probabilities, classCount);
  const confidentJoint = calibrate(countConfidentJoint(labels, probabilities, thresholds), labels, classCount);
  const suggested = probabilities.map(argmax);
  const flags = new Array<boolean>(labels.length).fill(false);
  for (let given = 0; given < classCount; given++) {
    const members = labels.flatMap((label, index) => (label === given ? [index] : []));
    if (members.length <= 1) continue; // cleanlab keeps at least one row per class
    for (let truth = 0; truth < classCount; truth++) {
      const toPrune = confidentJoint[given]?.[truth] ?? 0;
      if (truth === given || toPrune <= 0) continue;
      const margin = (index: number): number => at(probabilities[index], truth) - at(probabilities[index], given);
      const ranked = [...members].sort((a, b) => margin(b) - margin(a) || a - b);
      for (const index of ranked.slice(0, toPrune)) flags[index] = true;
    }
  }
  labels.forEach((label, index) => {
    if (suggested[index] === label) flags[index] = false;
  });
  const scores = labels.map((label, index) => 1 - at(probabilities[index], label));
  return { flags, scores, suggested, thresholds, confidentJoint };
}

/** t_j: the mean probability of class j over rows labelled j; a class nobody carries gets +Infinity. */
export function confidentThresholds(
  labels: readonly number[],
  probabilities: readonly (readonly number[])[],
  classCount: number,
): number[] {
  return Array.from({ length: classCount }, (_, k) => {
    const own = labels.flatMap((label, index) => (label === k ? [at(probabilities[index], k)] : []));
    return own.length === 0 ? Number.POSITIVE_INFINITY : own.reduce((a, b) => a + b, 0) / own.length;
  });
}

/** Uncalibrated confident joint counts[given][true], with at least 1 on the diagonal as cleanlab keeps it. */
export function countConfidentJoint(
  labels: readonly number[],
  probabilities: readonly (readonly number[])[],
  thresholds: readonly number[],
): number[][] {
  const classCount = thresholds.length;
  const counts = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  labels.forEach((given, index) => {
    const shares = probabilities[index] ?? [];
    const confident = thresholds.flatMap((threshold, k) => (at(shares, k) >= threshold - TOLERANCE ? [k] : []));
    if (confident.length === 0) return;
    const truth = confident.length > 1 ? argmax(shares) : (confident[0] as number);
    const row = counts[given] as number[];
    row[truth] = (row[truth] as number) + 1;
  });
  counts.forEach((row, k) => {
    row[k] = Math.max(row[k] as number, 1);
  });
  return counts;
}

/** Scales each given-label row to that label's row count, then rounds keeping row totals (largest remainder). */
function calibrate(counts: number[][], labels: readonly number[], classCount: number): number[][] {
  const labelCounts = Array.from({ length: classCount }, (_, k) => labels.filter((label) => label === k).length);
  return counts.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    const scaled = row.map((count) => (total === 0 ? 0 : (count / total) * (labelCounts[k] as number)));
    return roundPreservingSum(scaled);
  });
}

export function roundPreservingSum(values: readonly number[]): number[] {
  const target = Math.round(values.reduce((a, b) => a + b, 0));
  const floors = values.map(Math.floor);
  let missing = target - floors.reduce((a, b) => a + b, 0);
  const byRemainder = values
    .map((_value, i) => i)
    .sort((a, b) => {
      const remainder = (i: number): number => (values[i] as number) - (floors[i] as number);
      return remainder(b) - remainder(a) || a - b;
    });
  for (const i of byRemainder) {
    if (missing <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    missing--;
  }
  return floors;
}

/** Index of the largest value; ties go to the lower index (as numpy's argmax and predictLabels do). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  values.forEach((value, i) => {
    if (value > (values[best] as number)) best = i;
  });
  return best;
}

function at(values: readonly number[] | undefined, index: number): number {
  return values?.[index] ?? 0;
}
