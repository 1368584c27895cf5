import type { Row } from "./dataset.ts";
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
  const byClass = new Map<number, number[]>();
  rows.forEach((row, index) => {
    const members = byClass.get(row.label) ?? [];
    members.push(index);
    byClass.set(row.label, members);
  });
  const inTest = new Set<number>();
  const labels = [...byClass.keys()].sort((a, b) => a - b);
  for (const label of labels) {
    const members = byClass.get(label) ?? [];
    const testCount = Math.round(testSize * members.length);
    for (const index of shuffled(rng, members).slice(0, testCount)) inTest.add(index);
  }
  return {
    train: rows.filter((_, index) => !inTest.has(index)),
    test: rows.filter((_, index) => inTest.has(index)),
  };
}
