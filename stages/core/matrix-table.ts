import type { Row } from "./dataset.ts";
import type { FeatureMatrix } from "./forest/matrix.ts";
import type { PoisonedRow, PoisonInput } from "./poison.ts";

/**
 * A training table held as columns (a FeatureMatrix) rather than as row objects: a million rows of 20
 * features take 160 MB this way instead of more than a gigabyte. The poison and sanitize stages read their
 * table so, and write it back row by row.
 */

export function matrixRow(matrix: FeatureMatrix, index: number): Row {
  return { features: matrix.columns.map((column) => column[index] as number), label: matrix.labels[index] as number };
}

export function matrixInput(matrix: FeatureMatrix): PoisonInput {
  const ranges = matrix.columns.map((column): [number, number] => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const value of column) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return [min, max];
  });
  return { length: matrix.rowCount, row: (index) => matrixRow(matrix, index), ranges };
}

/** The table's rows in order. */
export function* tableRows(matrix: FeatureMatrix): Generator<Row> {
  for (let index = 0; index < matrix.rowCount; index++) yield matrixRow(matrix, index);
}

/** The table's rows in order with the poisoned ones replaced, then the injected ones: the poisoned table. */
export function* poisonedRows(matrix: FeatureMatrix, poisoned: readonly PoisonedRow[]): Generator<Row> {
  const replaced = new Map(poisoned.map(({ row, after }) => [row, after]));
  for (let index = 0; index < matrix.rowCount; index++) yield replaced.get(index) ?? matrixRow(matrix, index);
  for (const { row, after } of poisoned) if (row >= matrix.rowCount) yield after;
}
