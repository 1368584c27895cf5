import { type Rng, shuffled } from "../rng.ts";

/**
 * Stratified k-fold assignment: each class's rows, shuffled by the rng, are dealt to the folds in turn,
 * so every fold holds about 1/k of every class. Returns the fold index of each row.
 */
export function stratifiedFolds(labels: readonly number[], folds: number, rng: Rng): number[] {
  const assignment = new Array<number>(labels.length).fill(0);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  let next = 0; // carried across classes so small classes do not all start in fold 0
  for (const label of classes) {
    const members = labels.flatMap((other, index) => (other === label ? [index] : []));
    for (const index of shuffled(rng, members)) {
      assignment[index] = next;
      next = (next + 1) % folds;
    }
  }
  return assignment;
}
