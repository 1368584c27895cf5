import type { FeatureMatrix } from "./matrix.ts";

/** All rows in ascending order of one feature (ties by row index), with their values and labels beside. */
export interface SortedColumn {
  rows: Int32Array;
  values: Float64Array;
  labels: Uint8Array;
}

/**
 * Sort once per forest: every feature's rows in order. Each tree filters these lists to its bootstrap
 * rows and keeps them sorted while it partitions, so no node ever sorts again (ml-cart instead rescans a
 * node for every candidate threshold). Values and labels are stored in sorted order too, so a tree reads
 * them in sequence rather than jumping around the table.
 */
export function sortColumns(matrix: FeatureMatrix): SortedColumn[] {
  return matrix.columns.map((column) => {
    const rows = column.length < RADIX_MIN_ROWS ? compareArgsort(column) : radixArgsort(column);
    const values = new Float64Array(rows.length);
    const labels = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      values[i] = column[row] as number;
      labels[i] = matrix.labels[row] as number;
    }
    return { rows, values, labels };
  });
}

// Below this many rows a comparison sort wins: each radix pass walks all 65,536 digit counters.
const RADIX_MIN_ROWS = 50_000;
const DIGIT_BITS = 16;

function compareArgsort(values: Float64Array): Int32Array {
  const rows = Int32Array.from({ length: values.length }, (_, row) => row);
  return rows.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
}
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;

/**
 * Row indices in ascending order of value, ties by index: a stable LSD radix sort on the values' 64 bits,
 * 16 bits a pass, carrying the key words along so every pass reads memory in order. A pass whose digit is
 * the same for all rows (common: the high bits of values in a narrow range) is skipped.
 */
function radixArgsort(values: Float64Array): Int32Array {
  const n = values.length;
  let { low, high }: { low: Uint32Array; high: Uint32Array } = sortableKeys(values);
  let order: Int32Array = Int32Array.from({ length: n }, (_, row) => row);
  let nextLow: Uint32Array = new Uint32Array(n);
  let nextHigh: Uint32Array = new Uint32Array(n);
  let nextOrder: Int32Array = new Int32Array(n);
  const starts = new Int32Array((1 << DIGIT_BITS) + 1);
  for (let pass = 0; pass < 4; pass++) {
    const words = pass < 2 ? low : high;
    const shift = (pass % 2) * DIGIT_BITS;
    starts.fill(0);
    for (let i = 0; i < n; i++) {
      const next = (((words[i] as number) >>> shift) & DIGIT_MASK) + 1;
      starts[next] = (starts[next] as number) + 1;
    }
    if (starts.includes(n)) continue; // one digit for every row: this pass would not move anything
    for (let digit = 0; digit < DIGIT_MASK + 1; digit++)
      starts[digit + 1] = (starts[digit + 1] as number) + (starts[digit] as number);
    for (let i = 0; i < n; i++) {
      const digit = ((words[i] as number) >>> shift) & DIGIT_MASK;
      const to = starts[digit] as number;
      starts[digit] = to + 1;
      nextLow[to] = low[i] as number;
      nextHigh[to] = high[i] as number;
      nextOrder[to] = order[i] as number;
    }
    [low, nextLow, high, nextHigh, order, nextOrder] = [nextLow, low, nextHigh, high, nextOrder, order];
  }
  return order;
}

/**
 * The IEEE-754 bits of each value as two 32-bit words whose unsigned order (high, then low) is the numeric
 * order: flip every bit of a negative number, only the sign bit of a positive one. The Uint32Array view of a
 * Float64Array is little-endian on every platform Node runs on. -0 becomes 0 first, so equal values tie.
 */
function sortableKeys(values: Float64Array): { low: Uint32Array; high: Uint32Array } {
  const bits = new Uint32Array(values.map((value) => (value === 0 ? 0 : value)).buffer);
  const low = new Uint32Array(values.length);
  const high = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const lowBits = bits[2 * i] as number;
    const highBits = bits[2 * i + 1] as number;
    const negative = highBits >>> 31 === 1;
    low[i] = negative ? ~lowBits >>> 0 : lowBits;
    high[i] = negative ? ~highBits >>> 0 : (highBits | 0x80000000) >>> 0;
  }
  return { low, high };
}
