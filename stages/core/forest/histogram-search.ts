import { type BinnedMatrix, MAX_BINS } from "./bins.ts";
import type { FastRng } from "./fast-rng.ts";
import { LABEL_BITS, LABEL_MASK } from "./sorted-lists.ts";
import type { BestSplit } from "./split-search.ts";

/** A histogram split: the left child holds the node's rows whose bin of `feature` is at most `bin`. */
export interface BinnedSplit extends BestSplit {
  bin: number;
}

/**
 * A tree's bootstrap rows as records of `width` 32-bit words: the row's bins (BinnedMatrix.stride bytes),
 * then weight << LABEL_BITS | label as in SortedList. Each node owns records [start, end); a split
 * partitions them stably. The bins travel with their row, so every read of a node streams through memory.
 */
export interface RowRecords {
  width: number;
  words: Int32Array;
  /** The same memory as bytes: record i's bin of feature f is bytes[4 * width * i + f]. */
  bytes: Uint8Array;
}

export function rowRecords(count: number, binned: BinnedMatrix): RowRecords {
  const width = binned.stride / 4 + 1;
  const words = new Int32Array(count * width);
  return { width, words, bytes: new Uint8Array(words.buffer) };
}

interface Settings {
  maxFeatures: number;
  minSamplesLeaf: number;
}

// Below this many non-empty bins, sorting them beats scanning every bin of the feature.
const SORT_BINS_BELOW = 48;

/**
 * The best Gini split of a node over a fresh random subset of features, from class-count histograms over
 * the features' bins: O(rows + bins) per feature, the first maxFeatures features' histograms filled in one
 * pass over the node. The feature draws, the constant-feature rule, the score and the tie rule are
 * SplitSearch's, so with one bin per distinct value the splits are SplitSearch's.
 */
export class HistogramSearch {
  private readonly featureOrder: Int32Array;
  /** The features whose histograms are filled together, in the order drawn. */
  private readonly drawn: Int32Array;
  /** Weighted class counts: counts[(slot * MAX_BINS + bin) * classes + label] for the feature in drawn[slot]. */
  private readonly counts: Int32Array;
  /** Distinct rows per bin (minSamplesLeaf counts rows, not draws): sizes[slot * MAX_BINS + bin]. */
  private readonly sizes: Int32Array;
  /** Each slot's non-empty bins, ascending once sorted: filled[slot * MAX_BINS + i]. */
  private readonly filled: Int32Array;
  private readonly filledCount: Int32Array;
  private readonly left: Float64Array;
  private readonly right: Float64Array;
  /** The class counts of the best split's left child. */
  readonly bestLeftCounts: Float64Array;

  constructor(
    private readonly binned: BinnedMatrix,
    private readonly classes: number,
    private readonly records: RowRecords,
    private readonly settings: Settings,
    private readonly rng: FastRng,
  ) {
    const slots = Math.min(settings.maxFeatures, binned.featureCount);
    this.featureOrder = Int32Array.from({ length: binned.featureCount }, (_, feature) => feature);
    this.drawn = new Int32Array(slots);
    this.counts = new Int32Array(slots * MAX_BINS * classes);
    this.sizes = new Int32Array(slots * MAX_BINS);
    this.filled = new Int32Array(slots * MAX_BINS);
    this.filledCount = new Int32Array(slots);
    this.left = new Float64Array(classes);
    this.right = new Float64Array(classes);
    this.bestLeftCounts = new Float64Array(classes);
  }

  /**
   * As SplitSearch.best; a feature is constant in the node when all its rows share one bin. The first
   * maxFeatures draws come before any sweep (no draw depends on a sweep), the draws after them one at a time.
   */
  best(start: number, end: number, counts: Float64Array): BinnedSplit | null {
    const order = this.featureOrder;
    const draw = (remaining: number): number => {
      const pick = this.rng.int(remaining);
      const feature = order[pick] as number;
      order[pick] = order[remaining - 1] as number;
      order[remaining - 1] = feature;
      return feature;
    };
    let best: BinnedSplit | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    let remaining = order.length;
    let nonConstant = 0;
    const consider = (slot: number): void => {
      const filled = this.filledCount[slot] as number;
      if (filled > 1) {
        nonConstant++;
        const found = this.sweep(slot, filled, end - start, counts, bestScore);
        if (found !== null) {
          bestScore = found.score;
          best = {
            feature: this.drawn[slot] as number,
            threshold: found.threshold,
            leftSize: found.leftSize,
            bin: found.bin,
          };
        }
      }
      this.clear(slot);
    };
    const slots = this.drawn.length;
    for (let slot = 0; slot < slots; slot++) this.drawn[slot] = draw(remaining--);
    this.fill(slots, start, end);
    for (let slot = 0; slot < slots; slot++) consider(slot);
    // scikit-learn's rule: while every feature tried is constant, try one more.
    while (remaining > 0 && nonConstant === 0) {
      this.drawn[0] = draw(remaining--);
      this.fill(1, start, end);
      consider(0);
    }
    return best;
  }

  /** Fills the histograms of slots [0, slots) from records [start, end) and lists each one's non-empty bins. */
  private fill(slots: number, start: number, end: number): void {
    const { words, bytes, width } = this.records;
    const { counts, sizes, filled, filledCount, classes, drawn } = this;
    filledCount.fill(0, 0, slots);
    for (let i = start; i < end; i++) {
      const base = i * width;
      const weightLabel = words[base + width - 1] as number;
      const label = weightLabel & LABEL_MASK;
      const weight = weightLabel >>> LABEL_BITS;
      for (let slot = 0; slot < slots; slot++) {
        const bin = bytes[4 * base + (drawn[slot] as number)] as number;
        const at = slot * MAX_BINS + bin;
        const size = sizes[at] as number;
        if (size === 0) {
          const count = filledCount[slot] as number;
          filled[slot * MAX_BINS + count] = bin;
          filledCount[slot] = count + 1;
        }
        sizes[at] = size + 1;
        const slotAt = at * classes + label;
        counts[slotAt] = (counts[slotAt] as number) + weight;
      }
    }
    for (let slot = 0; slot < slots; slot++) {
      const offset = slot * MAX_BINS;
      const count = filledCount[slot] as number;
      if (count < SORT_BINS_BELOW) {
        for (let i = offset + 1; i < offset + count; i++) {
          const bin = filled[i] as number;
          let j = i - 1;
          for (; j >= offset && (filled[j] as number) > bin; j--) filled[j + 1] = filled[j] as number;
          filled[j + 1] = bin;
        }
      } else {
        let listed = offset;
        for (let bin = 0; bin < MAX_BINS; bin++) if ((sizes[offset + bin] as number) > 0) filled[listed++] = bin;
      }
    }
  }

  private clear(slot: number): void {
    const { counts, sizes, filled, classes } = this;
    const offset = slot * MAX_BINS;
    const end = offset + (this.filledCount[slot] as number);
    for (let i = offset; i < end; i++) {
      const at = offset + (filled[i] as number);
      sizes[at] = 0;
      for (let label = 0; label < classes; label++) counts[at * classes + label] = 0;
    }
  }

  /**
   * SplitSearch's sweep with a bin where it has a row: the Gini proxy sum(left_k^2)/left +
   * sum(right_k^2)/right at each boundary between non-empty bins. Counts are whole numbers, so the
   * running sums, and the scores, are the very numbers SplitSearch computes row by row.
   */
  private sweep(slot: number, filledCount: number, size: number, counts: Float64Array, toBeat: number) {
    const { left, right, classes, filled, sizes } = this;
    const histogram = this.counts;
    const offset = slot * MAX_BINS;
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
    for (let i = offset; i < offset + filledCount - 1; i++) {
      const at = offset + (filled[i] as number);
      for (let label = 0; label < classes; label++) {
        const weight = histogram[at * classes + label] as number;
        if (weight === 0) continue;
        const l = left[label] as number;
        const r = right[label] as number;
        leftSquares += weight * (2 * l + weight);
        rightSquares += weight * (weight - 2 * r);
        left[label] = l + weight;
        right[label] = r - weight;
        leftWeight += weight;
      }
      leftSize += sizes[at] as number;
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
    const feature = this.drawn[slot] as number;
    const bin = filled[bestAt] as number;
    const below = (this.binned.upper[feature] as Float64Array)[bin] as number;
    const above = (this.binned.lower[feature] as Float64Array)[filled[bestAt + 1] as number] as number;
    // The midpoint, unless rounding puts it on the upper value (SplitSearch's rule, scikit-learn's).
    let threshold = below / 2 + above / 2;
    if (threshold === above || !Number.isFinite(threshold)) threshold = below;
    return { score: bestScore, threshold, leftSize: bestSize, bin };
  }
}
