import type { Row } from "./dataset.ts";
import { StageError } from "./errors.ts";
import { type Rng, shuffled } from "./rng.ts";

export interface Split {
  train: Row[];
  test: Row[];
}

/**
 * Stratified split: within each class, round(testSize x class count) rows go to the test split, chosen by
 * the rng. Both splits keep the input order, so files diff calmly.
 */
export function stratifiedSplit(rows: readonly Row[], testSize: number, rng: Rng): Split {
  const inTest = stratifiedTestMask(
    rows.map((row) => row.label),
    testSize,
    rng,
  );
  return {
    train: rows.filter((_, index) => inTest[index] === 0),
    test: rows.filter((_, index) => inTest[index] === 1),
  };
}

/** The split as a mask over the labels (1: test), for tables kept in columns. */
export function stratifiedTestMask(labels: ArrayLike<number>, testSize: number, rng: Rng): Uint8Array {
  const byClass = new Map<number, number[]>();
  for (let index = 0; index < labels.length; index++) {
    const label = labels[index] as number;
    const members = byClass.get(label);
    if (members) members.push(index);
    else byClass.set(label, [index]);
  }
  const inTest = new Uint8Array(labels.length);
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  for (const label of classes) {
    const members = byClass.get(label) ?? [];
    const testCount = Math.round(testSize * members.length);
    for (const index of shuffled(rng, members).slice(0, testCount)) inTest[index] = 1;
  }
  return inTest;
}

/**
 * Refuses a split that would leave a class without training or without test rows: `counts[k]` rows of
 * class `classes[k]` put round(testSize x count) in the test split. `source` names the data in the message.
 */
export function checkSplittable(
  classes: readonly string[],
  counts: readonly number[],
  testSize: number,
  source: string,
): void {
  counts.forEach((count, k) => {
    const test = Math.round(testSize * count);
    if (test === 0 || test === count) {
      throw new StageError(
        `${source}: the class ${JSON.stringify(classes[k])} has ${count} row${count === 1 ? "" : "s"}, and prepare.test_size = ${testSize} puts ${test} of them in the test split; every class needs rows in both splits (drop the class, add rows, or change test_size)`,
      );
    }
  });
}
