import type { FeatureMatrix } from "./matrix.ts";

/**
 * Histogram splits (train.max_bins): each feature's values binned once per forest, so a node needs only
 * its rows and a pass over their bins, where exact CART keeps every feature's rows sorted in every node.
 * A bin holds the training values in [lower[b], upper[b]], both real training values; bins are in
 * ascending order and a value belongs to the first bin whose upper bound is not below it.
 */
export interface BinnedColumn {
  /** The bin of each row. Bytes: at most MAX_BINS bins, so a million rows of 20 features take 20 MB. */
  bins: Uint8Array;
  /** The smallest training value of each bin. */
  lower: Float64Array;
  /** The largest training value of each bin. */
  upper: Float64Array;
}

export const MAX_BINS = 256;

export function binColumns(matrix: FeatureMatrix, maxBins: number): BinnedColumn[] {
  return matrix.columns.map((column) => binColumn(column, maxBins));
}

export function binColumn(values: Float64Array, maxBins: number): BinnedColumn {
  const { lower, upper } = binEdges(values, maxBins);
  const bins = new Uint8Array(values.length);
  for (let row = 0; row < values.length; row++) bins[row] = binOf(values[row] as number, upper);
  return { bins, lower, upper };
}

/**
 * Bin edges from the sorted values: each distinct value its own bin when there are at most maxBins of
 * them (then histogram splits are exact CART's splits), else bins ending at the values of ranks
 * ceil(k n / maxBins), k = 1..maxBins (quantiles). A value repeated across several of those ranks ends one
 * bin only, so heavy ties give fewer bins, never a bin split inside one value.
 */
export function binEdges(values: Float64Array, maxBins: number): { lower: Float64Array; upper: Float64Array } {
  // -0 becomes 0 first, so equal values share a bin; a typed array sorts numerically.
  const sorted = Float64Array.from(values, (value) => (value === 0 ? 0 : value)).sort();
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const upper: number[] = [];
  if (distinct <= maxBins) {
    for (let i = 0; i < n; i++) if (i === n - 1 || sorted[i] !== sorted[i + 1]) upper.push(sorted[i] as number);
  } else {
    for (let k = 1; k <= maxBins; k++) {
      const value = sorted[Math.ceil((k * n) / maxBins) - 1] as number;
      if (upper.length === 0 || value > (upper[upper.length - 1] as number)) upper.push(value);
    }
  }
  // The lower bound of a bin: the first sorted value above the previous bin's upper bound.
  const lower = new Float64Array(upper.length);
  let position = 0;
  upper.forEach((top, bin) => {
    lower[bin] = sorted[position] as number;
    while (position < n && (sorted[position] as number) <= top) position++;
  });
  return { lower, upper: Float64Array.from(upper) };
}

/** The first bin whose upper bound is not below `value` (binary search). */
function binOf(value: number, upper: Float64Array): number {
  let low = 0;
  let high = upper.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((upper[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
