import { trainClassifier } from "../classifier.ts";
import type { Row, Schema } from "../dataset.ts";
import { outOfFoldProbabilities } from "../defense/out-of-fold.ts";
import type { PoisonedRow, PoisonInput } from "../poison.ts";
import type { Rng } from "../rng.ts";
import type { AdversarialOptions } from "./options.ts";

/** A row's margin under a surrogate: p(true class) minus the best other class, and that runner-up. */
export interface Margin {
  margin: number;
  runnerUp: number;
}

export function marginOf(probabilities: readonly number[], label: number): Margin {
  let runnerUp = -1;
  probabilities.forEach((p, c) => {
    // Ties go to the lower class index, so the choice never depends on float noise in the order.
    if (c !== label && (runnerUp < 0 || p > (probabilities[runnerUp] as number))) runnerUp = c;
  });
  return { margin: (probabilities[label] ?? 0) - (probabilities[runnerUp] ?? 0), runnerUp };
}

/**
 * The rows to flip: the `count` smallest margins, ties broken by row index, each to its runner-up class.
 * Rows the surrogate already finds ambiguous need the least push to move the boundary.
 */
export function smallestMargins(margins: readonly Margin[], count: number): number[] {
  return margins
    .map((margin, index) => ({ index, margin: margin.margin }))
    .sort((a, b) => a.margin - b.margin || a.index - b.index)
    .slice(0, count)
    .map(({ index }) => index)
    .sort((a, b) => a - b);
}

/**
 * adversarial_flip: an attacker holding the training data fits a surrogate (a small poisonlab-forest) and
 * scores every row out-of-fold, so the surrogate has not memorised the row it scores; the rows nearest the
 * boundary are flipped to the class the surrogate ranks second. The rng draws the folds and the forests' seeds.
 */
export function adversarialFlip(
  input: PoisonInput,
  count: number,
  rng: Rng,
  options: AdversarialOptions,
  schema: Schema,
): PoisonedRow[] {
  if (count === 0) return [];
  const rows: Row[] = Array.from({ length: input.length }, (_, index) => input.row(index));
  const surrogate = {
    engine: "poisonlab-forest",
    n_estimators: options.trees,
    max_features: "sqrt",
    max_depth: null,
    min_samples_split: 2,
    min_samples_leaf: 1,
  } as const;
  const train = (part: readonly Row[]) =>
    trainClassifier(part, { ...surrogate, seed: Math.floor(rng() * 2_147_483_647) }, schema);
  const probabilities = outOfFoldProbabilities(rows, Math.min(options.folds, rows.length), rng, train);
  const margins = rows.map((row, index) => marginOf(probabilities[index] ?? [], row.label));
  return smallestMargins(margins, count).map((index) => {
    const before = rows[index] as Row;
    const runnerUp = (margins[index] as Margin).runnerUp;
    return {
      row: index,
      before: { features: [...before.features], label: before.label },
      after: { features: [...before.features], label: runnerUp },
    };
  });
}
