import type { FastRng } from "./fast-rng.ts";
import { LABEL_BITS, LABEL_MASK, type SortedList } from "./sorted-lists.ts";

export interface BestSplit {
  feature: number;
  threshold: number;
  /** Distinct rows going left: the first leftSize positions of the feature's sorted list. */
  leftSize: number;
}

interface Settings {
  maxFeatures: number;
  minSamplesLeaf: number;
}

/**
 * The best Gini split of a node over a fresh random subset of features. For each feature the node's rows
 * are already sorted, so one sweep with running class counts scores every threshold: O(rows) per feature.
 */
export class SplitSearch {
  private readonly featureOrder: Int32Array;
  private readonly leftCounts: Float64Array;
  private readonly rightCounts: Float64Array;

  constructor(
    featureCount: number,
    classCount: number,
    private readonly settings: Settings,
    private readonly rng: FastRng,
  ) {
    this.featureOrder = Int32Array.from({ length: featureCount }, (_, feature) => feature);
    this.leftCounts = new Float64Array(classCount);
    this.rightCounts = new Float64Array(classCount);
  }

  /**
   * Draws features without replacement until maxFeatures were tried and at least one was not constant in
   * the node (scikit-learn's rule), and keeps the first best split found. Null when every feature is constant
   * or no threshold leaves minSamplesLeaf rows on both sides.
   */
  best(lists: readonly SortedList[], start: number, end: number, counts: Float64Array): BestSplit | null {
    const order = this.featureOrder;
    let best: BestSplit | null = null;
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
      const list = lists[feature] as SortedList;
      if (list.values[start] === list.values[end - 1]) continue;
      nonConstant++;
      const found = this.sweep(list, start, end, counts, bestScore);
      if (found !== null) {
        bestScore = found.score;
        best = { feature, threshold: found.threshold, leftSize: found.leftSize };
      }
    }
    return best;
  }

  /**
   * Scores every threshold between two distinct values by scikit-learn's Gini proxy,
   * sum(left_k^2)/left + sum(right_k^2)/right (higher is better), kept up to date in O(1) per row.
   * Returns the first split that beats `toBeat`, or null.
   */
  private sweep(list: SortedList, start: number, end: number, counts: Float64Array, toBeat: number) {
    const { values, weightLabels } = list;
    const left = this.leftCounts;
    const right = this.rightCounts;
    const minLeaf = this.settings.minSamplesLeaf;
    let total = 0;
    let rightSquares = 0;
    for (let label = 0; label < counts.length; label++) {
      const count = counts[label] as number;
      left[label] = 0;
      right[label] = count;
      total += count;
      rightSquares += count * count;
    }
    let leftWeight = 0;
    let leftSquares = 0;
    let bestScore = toBeat;
    let bestPosition = -1;
    let value = values[start] as number;
    for (let i = start; i < end - 1; i++) {
      const weightLabel = weightLabels[i] as number;
      const weight = weightLabel >>> LABEL_BITS;
      const label = weightLabel & LABEL_MASK;
      const l = left[label] as number;
      const r = right[label] as number;
      leftSquares += weight * (2 * l + weight);
      rightSquares += weight * (weight - 2 * r);
      left[label] = l + weight;
      right[label] = r - weight;
      leftWeight += weight;
      const next = values[i + 1] as number;
      if (next === value) continue;
      value = next;
      const leftSize = i - start + 1;
      if (leftSize < minLeaf) continue;
      if (end - start - leftSize < minLeaf) break;
      const score = leftSquares / leftWeight + rightSquares / (total - leftWeight);
      if (score > bestScore) {
        bestScore = score;
        bestPosition = i;
      }
    }
    if (bestPosition < 0) return null;
    const below = values[bestPosition] as number;
    const above = values[bestPosition + 1] as number;
    // The midpoint, unless rounding puts it on the upper value (scikit-learn's rule).
    let threshold = below / 2 + above / 2;
    if (threshold === above || !Number.isFinite(threshold)) threshold = below;
    return { score: bestScore, threshold, leftSize: bestPosition - start + 1 };
  }
}
