import type { SortedColumn } from "./presort.ts";

/**
 * For each feature, a tree's bootstrap rows in ascending order of that feature. Each node owns positions
 * [start, end) of every list. Values and the packed (weight, label) of each row sit beside the row index,
 * so split sweeps read memory in order instead of jumping around a million-row table.
 */
export interface SortedList {
  rows: Int32Array;
  values: Float64Array;
  /** weight << LABEL_BITS | label, where weight is how often the bootstrap drew the row. */
  weightLabels: Int32Array;
}

// Labels are bytes (at most 256 classes, see FeatureMatrix); a weight never nears 2^23 draws.
export const LABEL_BITS = 8;
export const LABEL_MASK = (1 << LABEL_BITS) - 1;

/** Filters the forest's sorted columns to the rows this tree's bootstrap drew (weight > 0). */
export function bootstrapLists(columns: readonly SortedColumn[], weights: Uint32Array, inBag: number): SortedList[] {
  return columns.map((column) => {
    const list = scratchList(inBag);
    const { rows, values, weightLabels } = list;
    let position = 0;
    for (let i = 0; i < column.rows.length; i++) {
      const row = column.rows[i] as number;
      const weight = weights[row] as number;
      if (weight === 0) continue;
      rows[position] = row;
      values[position] = column.values[i] as number;
      weightLabels[position] = (weight << LABEL_BITS) | (column.labels[i] as number);
      position++;
    }
    return list;
  });
}

/** Scratch space for partitioning, as long as the lists. */
export function scratchList(length: number): SortedList {
  return { rows: new Int32Array(length), values: new Float64Array(length), weightLabels: new Int32Array(length) };
}

/**
 * Stable partition of positions [start, end) of `list`: rows flagged in `goesLeft` first, the others after,
 * each side keeping its sorted order. Returns nothing: the split point is known to the caller.
 */
export function partitionList(
  list: SortedList,
  start: number,
  end: number,
  goesLeft: Uint8Array,
  scratch: SortedList,
): void {
  const { rows, values, weightLabels } = list;
  let leftEnd = start;
  let rightCount = 0;
  for (let i = start; i < end; i++) {
    const row = rows[i] as number;
    if (goesLeft[row] === 1) {
      rows[leftEnd] = row;
      values[leftEnd] = values[i] as number;
      weightLabels[leftEnd] = weightLabels[i] as number;
      leftEnd++;
    } else {
      scratch.rows[rightCount] = row;
      scratch.values[rightCount] = values[i] as number;
      scratch.weightLabels[rightCount] = weightLabels[i] as number;
      rightCount++;
    }
  }
  rows.set(scratch.rows.subarray(0, rightCount), leftEnd);
  values.set(scratch.values.subarray(0, rightCount), leftEnd);
  weightLabels.set(scratch.weightLabels.subarray(0, rightCount), leftEnd);
}
