import type { BinnedColumn } from "./bins.ts";
import { MAX_BINS } from "./bins.ts";
import type { FastRng } from "./fast-rng.ts";
import { LABEL_BITS, LABEL_MASK } from "./sorted-lists.ts";
import type { BestSplit } from "./split-search.ts";

/** A histogram split: the left child holds the node's rows whose bin of `feature` is at most `bin`. */
export interface BinnedSplit extends BestSplit {
  bin: number;
}

/**
 * A tree's bootstrap rows in ascending order, with the packed (weight, label) of each beside it. Each node
 * owns positions [start, end); a split partitions them stably, so rows stay ascending and bin reads stream.
 */
export interface RowList {
  rows: Int32Array;
  /** weight << LABEL_BITS | label, as in SortedList. */
  weightLabels: Int32Array;
}

interface Settings {
  maxFeatures: number;
  minSamplesLeaf: number;
}

// Below this many non-empty bins, sorting them beats scanning every bin of the feature.
const SORT_BINS_BELOW = 48;

/**
 * The best Gini split of a node over a fresh random subset of features, from class-count histograms over
 * the features' bins: O(rows + bins) per feature. The feature draws, the constant-feature rule, the score
 * and the tie rule are SplitSearch's, so with one bin per distinct value the splits are SplitSearch's.
 */
export class HistogramSearch {
  private readonly featureOrder: Int32Array;
  /** Weighted class counts per bin: counts[bin * classes + label]. */
  private readonly counts: Int32Array;
  /** Distinct rows per bin (minSamplesLeaf counts rows, not draws). */
  private readonly sizes: Int32Array;
  /** The node's non-empty bins, ascending once sorted. */
  private readonly filled = new Int32Array(MAX_BINS);
  private readonly left: Float64Array;
  private readonly right: Float64Array;
  /** The class counts of the best split's left child. */
  readonly bestLeftCounts: Float64Array;

  constructor(
    private readonly columns: readonly BinnedColumn[],
    private readonly classes: number,
    private readonly list: RowList,
    private readonly settings: Settings,
    private readonly rng: FastRng,
  ) {
    this.featureOrder = Int32Array.from({ length: columns.length }, (_, feature) => feature);
    this.counts = new Int32Array(MAX_BINS * classes);
    this.sizes = new Int32Array(MAX_BINS);
    this.left = new Float64Array(classes);
    this.right = new Float64Array(classes);
    this.bestLeftCounts = new Float64Array(classes);
  }

  /** As SplitSearch.best; a feature is constant in the node when all its rows share one bin. */
  best(start: number, end: number, counts: Float64Array): BinnedSplit | null {
    const order = this.featureOrder;
    let best: BinnedSplit | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    let tried = 0;
    let nonConstant = 0;
    for (
      let remaining = order.length;
      remaining > 0 && (tried < this.settings.maxFeatures || nonConstant === 0);
      remaining--
    ) {
      const pick = this.rng.int(remaining);
      const feature = order[pick] as number;
      order[pick] = order[remaining - 1] as number;
      order[remaining - 1] = feature;
      tried++;
      const column = this.columns[feature] as BinnedColumn;
      const filled = this.fill(column, start, end);
      if (filled > 1) {
        nonConstant++;
        const found = this.sweep(column, filled, end - start, counts, bestScore);
        if (found !== null) {
          bestScore = found.score;
          best = { feature, threshold: found.threshold, leftSize: found.leftSize, bin: found.bin };
        }
      }
      this.clear(filled);
    }
    return best;
  }

  /** Builds the node's histogram of one feature; returns how many bins are non-empty, listed ascending in `filled`. */
  private fill(column: BinnedColumn, start: number, end: number): number {
    const { rows, weightLabels } = this.list;
    const { bins } = column;
    const { counts, sizes, filled, classes } = this;
    let count = 0;
    for (let i = start; i < end; i++) {
      const bin = bins[rows[i] as number] as number;
      const weightLabel = weightLabels[i] as number;
      const size = sizes[bin] as number;
      if (size === 0) filled[count++] = bin;
      sizes[bin] = size + 1;
      const slot = bin * classes + (weightLabel & LABEL_MASK);
      counts[slot] = (counts[slot] as number) + (weightLabel >>> LABEL_BITS);
    }
    if (count < SORT_BINS_BELOW) {
      for (let i = 1; i < count; i++) {
        const bin = filled[i] as number;
        let j = i - 1;
        for (; j >= 0 && (filled[j] as number) > bin; j--) filled[j + 1] = filled[j] as number;
        filled[j + 1] = bin;
      }
    } else {
      count = 0;
      for (let bin = 0; bin < column.upper.length; bin++) if ((sizes[bin] as number) > 0) filled[count++] = bin;
    }
    return count;
  }

  private clear(filled: number): void {
    const { counts, sizes, classes } = this;
    for (let i = 0; i < filled; i++) {
      const bin = this.filled[i] as number;
      sizes[bin] = 0;
      counts.fill(0, bin * classes, (bin + 1) * classes);
    }
  }

  /**
   * SplitSearch's sweep with a bin where it has a row: the Gini proxy sum(left_k^2)/left +
   * sum(right_k^2)/right at each boundary between non-empty bins. Counts are whole numbers, so the
   * running sums, and the scores, are the very numbers SplitSearch computes row by row.
   */
  private sweep(column: BinnedColumn, filledCount: number, size: number, counts: Float64Array, toBeat: number) {
    const { left, right, classes, filled } = this;
    const minLeaf = this.settings.minSamplesLeaf;
    let total = 0;
    let rightSquares = 0;
    for (let label = 0; label < classes; label++) {
      const count = counts[label] as number;
      left[label] = 0;
      right[label] = count;
      total += count;
      rightSquares += count * count;
    }
    let leftWeight = 0;
    let leftSquares = 0;
    let leftSize = 0;
    let bestScore = toBeat;
    let bestAt = -1;
    let bestSize = 0;
    for (let i = 0; i < filledCount - 1; i++) {
      const bin = filled[i] as number;
      for (let label = 0; label < classes; label++) {
        const weight = this.counts[bin * classes + label] as number;
        if (weight === 0) continue;
        const l = left[label] as number;
        const r = right[label] as number;
        leftSquares += weight * (2 * l + weight);
        rightSquares += weight * (weight - 2 * r);
        left[label] = l + weight;
        right[label] = r - weight;
        leftWeight += weight;
      }
      leftSize += this.sizes[bin] as number;
      if (leftSize < minLeaf) continue;
      if (size - leftSize < minLeaf) break;
      const score = leftSquares / leftWeight + rightSquares / (total - leftWeight);
      if (score > bestScore) {
        bestScore = score;
        bestAt = i;
        bestSize = leftSize;
        this.bestLeftCounts.set(left);
      }
    }
    if (bestAt < 0) return null;
    const bin = filled[bestAt] as number;
    const below = column.upper[bin] as number;
    const above = column.lower[filled[bestAt + 1] as number] as number;
    // The midpoint, unless rounding puts it on the upper value (SplitSearch's rule, scikit-learn's).
    let threshold = below / 2 + above / 2;
    if (threshold === above || !Number.isFinite(threshold)) threshold = below;
    return { score: bestScore, threshold, leftSize: bestSize, bin };
  }
}
