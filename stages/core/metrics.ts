/** Classification metrics from a confusion matrix; zero divisions count as 0, as scikit-learn does by default. */

/** counts[actual][predicted]. */
export type ConfusionMatrix = number[][];

export function confusionMatrix(
  actual: readonly number[],
  predicted: readonly number[],
  classCount: number,
): ConfusionMatrix {
  if (actual.length !== predicted.length) {
    throw new Error(`confusionMatrix: ${actual.length} actual labels but ${predicted.length} predictions`);
  }
  const counts = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  actual.forEach((label, i) => {
    const row = counts[label];
    const guess = predicted[i] as number;
    if (row === undefined || guess < 0 || guess >= classCount) throw new Error(`confusionMatrix: label out of range`);
    row[guess] = (row[guess] as number) + 1;
  });
  return counts;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  precision_weighted: number;
  recall_weighted: number;
  f1_weighted: number;
  per_class: ClassScores[];
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
const mean = (values: readonly number[]): number => ratio(sum(values), values.length);
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

export function classificationReport(counts: ConfusionMatrix): ClassificationReport {
  const classes = counts.map((_, k) => k);
  const total = sum(counts.map(sum));
  const correct = sum(classes.map((k) => counts[k]?.[k] ?? 0));
  const perClass = classes.map((k): ClassScores => {
    const truePositives = counts[k]?.[k] ?? 0;
    const support = sum(counts[k] ?? []);
    const predictedCount = sum(counts.map((row) => row[k] ?? 0));
    const precision = ratio(truePositives, predictedCount);
    const recall = ratio(truePositives, support);
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const weighted = (pick: (scores: ClassScores) => number): number =>
    ratio(sum(perClass.map((scores) => pick(scores) * scores.support)), total);
  return {
    accuracy: ratio(correct, total),
    precision_macro: mean(perClass.map((s) => s.precision)),
    recall_macro: mean(perClass.map((s) => s.recall)),
    f1_macro: mean(perClass.map((s) => s.f1)),
    precision_weighted: weighted((s) => s.precision),
    recall_weighted: weighted((s) => s.recall),
    f1_weighted: weighted((s) => s.f1),
    per_class: perClass,
  };
}

/** Share of positions where the two label lists agree. */
export function accuracy(actual: readonly number[], predicted: readonly number[]): number {
  return ratio(actual.filter((label, i) => label === predicted[i]).length, actual.length);
}
