import { lowerBound } from "./lower-bound.ts";
import type { FeatureMatrix } from "./matrix.ts";

/**
 * Histogram splits (train.max_bins): each feature's values binned once per forest, so a node needs only its
 * rows and their bins, where exact CART keeps every feature's rows sorted in every node. Feature f's bin b
 * holds the training values in [lower[f][b], upper[f][b]], both real training values; bins are in ascending
 * order and a value belongs to the first bin whose upper bound is not below it.
 */
export interface BinnedMatrix {
  featureCount: number;
  /** Bytes per row in `bins`: the feature count rounded up to whole 4-byte words, so rows copy as words. */
  stride: number;
  /** Row-major: the bin of row r's feature f is bins[r * stride + f]. A million rows of 20 features take 20 MB. */
  bins: Uint8Array;
  lower: Float64Array[];
  upper: Float64Array[];
}

/** Bins are bytes: a node's histograms stay small enough for the cache, and a row's bins fit in a few words. */
export const MAX_BINS = 256;

export function binMatrix(matrix: FeatureMatrix, maxBins: number): BinnedMatrix {
  const featureCount = matrix.columns.length;
  const stride = 4 * Math.ceil(featureCount / 4);
  const bins = new Uint8Array(matrix.rowCount * stride);
  const lower: Float64Array[] = [];
  const upper: Float64Array[] = [];
  matrix.columns.forEach((column, feature) => {
    const edges = binEdges(column, maxBins);
    lower.push(edges.lower);
    upper.push(edges.upper);
    for (let row = 0; row < column.length; row++)
      bins[row * stride + feature] = lowerBound(edges.upper, column[row] as number);
  });
  return { featureCount, stride, bins, lower, upper };
}

/**
 * Bin edges from the sorted values: each distinct value its own bin when there are at most maxBins of
 * them (then histogram splits are exact CART's splits), else bins ending at the values of ranks
 * ceil(k n / maxBins), k = 1..maxBins (quantiles). A value repeated across several of those ranks ends one
 * bin only, so heavy ties give fewer bins, never a bin split inside one value.
 */
export function binEdges(values: Float64Array, maxBins: number): { lower: Float64Array; upper: Float64Array } {
  // -0 becomes 0 first, so equal values share a bin; a typed array sorts numerically.
  const sorted = values.slice();
  for (let i = 0; i < sorted.length; i++) if (sorted[i] === 0) sorted[i] = 0;
  sorted.sort();
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
