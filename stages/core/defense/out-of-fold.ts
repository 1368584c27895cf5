import type { Train } from "../classifier.ts";
import type { Row } from "../dataset.ts";
import type { Rng } from "../rng.ts";
import { stratifiedFolds } from "./folds.ts";

/**
 * Class probabilities of every row from a model that never saw it: stratified k-fold, each fold predicted
 * by a model trained on the others. In-sample probabilities are useless for finding flipped labels because
 * a forest memorises them (docs/background.md, "Why the label check uses out-of-fold probabilities").
 */
export function outOfFoldProbabilities(rows: readonly Row[], folds: number, rng: Rng, train: Train): number[][] {
  const assignment = stratifiedFolds(
    rows.map((row) => row.label),
    folds,
    rng,
  );
  const probabilities: number[][] = new Array(rows.length);
  for (let fold = 0; fold < folds; fold++) {
    const heldOut = rows.flatMap((_, index) => (assignment[index] === fold ? [index] : []));
    if (heldOut.length === 0) continue;
    const classifier = train(rows.filter((_, index) => assignment[index] !== fold));
    const predicted = classifier.probabilities(heldOut.map((index) => (rows[index] as Row).features));
    heldOut.forEach((index, i) => {
      probabilities[index] = predicted[i] as number[];
    });
  }
  return probabilities;
}
