import type { BinnedMatrix } from "./bins.ts";
import type { FastRng } from "./fast-rng.ts";
import { HistogramSearch, type RowRecords, rowRecords } from "./histogram-search.ts";
import type { FeatureMatrix } from "./matrix.ts";
import type { SortedColumn } from "./presort.ts";
import { bootstrapLists, LABEL_BITS, LABEL_MASK, partitionList, type SortedList, scratchList } from "./sorted-lists.ts";
import { type BestSplit, SplitSearch } from "./split-search.ts";
import { leafReference, type Tree, TreeBuilder } from "./tree.ts";

/** How a tree grows; sizes count distinct bootstrap rows in a node, as in scikit-learn. */
export interface GrowSettings {
  /** Features tried at each split; more are tried while all tried so far are constant in the node. */
  maxFeatures: number;
  /** Nodes at this depth become leaves (the root has depth 0); Infinity for no limit. */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
}

/** What every tree of a forest reads, once per forest: sorted columns (exact splits) or binned ones (histogram splits). */
export type ForestColumns =
  | { kind: "sorted"; sorted: readonly SortedColumn[] }
  | { kind: "binned"; binned: BinnedMatrix };

/**
 * Nodes waiting to be grown, as a stack of columns rather than objects: a deep tree on a million noisy
 * rows has a hundred thousand splits, and per-node allocations would keep the garbage collector busy.
 * Node i owns positions [start[i], end[i]) of the splitter's row lists; its weighted class counts (a row
 * drawn twice counts twice) are counts[i * classes ...]; its parent must learn its reference on `side`.
 */
class PendingNodes {
  size = 0;
  private capacity = 64;
  start = new Int32Array(this.capacity);
  end = new Int32Array(this.capacity);
  depth = new Int32Array(this.capacity);
  parent = new Int32Array(this.capacity);
  side = new Uint8Array(this.capacity); // 0 left, 1 right
  counts: Float64Array;

  constructor(private readonly classes: number) {
    this.counts = new Float64Array(this.capacity * classes);
  }

  push(start: number, end: number, depth: number, parent: number, side: number, counts: Float64Array): void {
    if (this.size === this.capacity) this.grow();
    const i = this.size++;
    this.start[i] = start;
    this.end[i] = end;
    this.depth[i] = depth;
    this.parent[i] = parent;
    this.side[i] = side;
    this.counts.set(counts, i * this.classes);
  }

  private grow(): void {
    this.capacity *= 2;
    const larger = <T extends Int32Array | Uint8Array | Float64Array>(array: T, size: number): T => {
      const copy = new (array.constructor as new (n: number) => T)(size);
      copy.set(array as never);
      return copy;
    };
    this.start = larger(this.start, this.capacity);
    this.end = larger(this.end, this.capacity);
    this.depth = larger(this.depth, this.capacity);
    this.parent = larger(this.parent, this.capacity);
    this.side = larger(this.side, this.capacity);
    this.counts = larger(this.counts, this.capacity * this.classes);
  }
}

/**
 * What tells the grower how to split a node; the grower keeps the nodes, the tree and the rules on leaves.
 * Node positions [start, end) index the splitter's own row lists.
 */
export interface NodeSplitter<Split extends BestSplit> {
  best(start: number, end: number, counts: Float64Array): Split | null;
  /** Puts the weighted class counts of the split's left child in `counts`. */
  countLeft(split: Split, start: number, end: number, counts: Float64Array): void;
  /** Reorders positions [start, end) so the left child's rows come first; skipped when both children are leaves. */
  partition(split: Split, start: number, end: number): void;
}

/**
 * Grows one CART tree with Gini impurity on a bootstrap sample. `columns` comes from forestColumns and is
 * shared, read-only, by all trees: sorted columns (exact splits) or binned ones (histogram splits).
 */
export function growTree(matrix: FeatureMatrix, columns: ForestColumns, settings: GrowSettings, rng: FastRng): Tree {
  const weights = bootstrapWeights(matrix.rowCount, rng);
  return columns.kind === "sorted"
    ? growWeightedTree(matrix, columns.sorted, weights, settings, rng)
    : growBinnedTree(matrix, columns.binned, weights, settings, rng);
}

/**
 * Grows an exact CART tree on rows weighted as given (how often each was drawn); rows of weight 0 are left
 * out. Memory is linear in the rows: one sorted list of bootstrap rows per feature, partitioned in place as
 * nodes split, so children stay sorted.
 */
export function growWeightedTree(
  matrix: FeatureMatrix,
  sortedColumns: readonly SortedColumn[],
  weights: Uint32Array,
  settings: GrowSettings,
  rng: FastRng,
): Tree {
  const inBag = countInBag(weights);
  const lists = bootstrapLists(sortedColumns, weights, inBag);
  const scratch = scratchList(inBag);
  const goesLeft = new Uint8Array(matrix.rowCount);
  const search = new SplitSearch(matrix.columns.length, matrix.classCount, settings, rng);
  return growNodes(matrix, weights, inBag, settings, {
    best: (start, end, counts) => search.best(lists, start, end, counts),
    countLeft: (split, start, end, counts) =>
      markLeftRows(lists[split.feature] as SortedList, start, start + split.leftSize, end, goesLeft, counts),
    partition: (split, start, end) => {
      for (let feature = 0; feature < lists.length; feature++) {
        if (feature !== split.feature) partitionList(lists[feature] as SortedList, start, end, goesLeft, scratch);
      }
    },
  });
}

/**
 * Grows a tree with histogram splits on rows weighted as given: one list of the bootstrap rows (in row order,
 * each with its bins), partitioned once per split; each tried feature's histogram is built from that list.
 */
export function growBinnedTree(
  matrix: FeatureMatrix,
  binned: BinnedMatrix,
  weights: Uint32Array,
  settings: GrowSettings,
  rng: FastRng,
): Tree {
  const inBag = countInBag(weights);
  const records = rowRecords(inBag, binned);
  const { width, words } = records;
  const binWords = new Int32Array(binned.bins.buffer, binned.bins.byteOffset, binned.bins.length / 4);
  const rowWords = width - 1;
  let position = 0;
  for (let row = 0; row < matrix.rowCount; row++) {
    const weight = weights[row] as number;
    if (weight === 0) continue;
    const base = position * width;
    for (let word = 0; word < rowWords; word++) words[base + word] = binWords[row * rowWords + word] as number;
    words[base + rowWords] = (weight << LABEL_BITS) | (matrix.labels[row] as number);
    position++;
  }
  const scratch = new Int32Array(words.length);
  const search = new HistogramSearch(binned, matrix.classCount, records, settings, rng);
  return growNodes(matrix, weights, inBag, settings, {
    best: (start, end, counts) => search.best(start, end, counts),
    countLeft: (_split, _start, _end, counts) => counts.set(search.bestLeftCounts),
    partition: (split, start, end) => partitionRecords(records, start, end, split.feature, split.bin, scratch),
  });
}

function countInBag(weights: Uint32Array): number {
  let inBag = 0;
  for (let row = 0; row < weights.length; row++) if ((weights[row] as number) > 0) inBag++;
  return inBag;
}

/** Grows the nodes depth first from the root (all in-bag rows), numbering splits in pre-order. */
function growNodes<Split extends BestSplit>(
  matrix: FeatureMatrix,
  weights: Uint32Array,
  inBag: number,
  settings: GrowSettings,
  splitter: NodeSplitter<Split>,
): Tree {
  const classes = matrix.classCount;
  const rootCounts = new Float64Array(classes);
  for (let row = 0; row < matrix.rowCount; row++) {
    const label = matrix.labels[row] as number;
    rootCounts[label] = (rootCounts[label] as number) + (weights[row] as number);
  }
  const builder = new TreeBuilder();
  const counts = new Float64Array(classes);
  const leftCounts = new Float64Array(classes);
  const rightCounts = new Float64Array(classes);

  const pending = new PendingNodes(classes);
  pending.push(0, inBag, 0, -1, 0, rootCounts);
  while (pending.size > 0) {
    const i = --pending.size;
    const start = pending.start[i] as number;
    const end = pending.end[i] as number;
    const depth = pending.depth[i] as number;
    const parent = pending.parent[i] as number;
    const side = pending.side[i] === 0 ? "left" : "right";
    counts.set(pending.counts.subarray(i * classes, (i + 1) * classes));
    const split: Split | null = isLeaf(end - start, depth, counts, settings) ? null : splitter.best(start, end, counts);
    if (split === null) {
      const leaf = leafReference(majorityClass(counts));
      if (parent >= 0) {
        builder.setChild(parent, side, leaf);
      } else {
        const root = builder.addSplit(0, 0); // a lone leaf as root: one split whose children are both it
        builder.setChild(root, "left", leaf);
        builder.setChild(root, "right", leaf);
      }
      continue;
    }
    const index = builder.addSplit(split.feature, split.threshold);
    if (parent >= 0) builder.setChild(parent, side, index);
    const middle = start + split.leftSize;
    splitter.countLeft(split, start, end, leftCounts);
    for (let label = 0; label < classes; label++)
      rightCounts[label] = (counts[label] as number) - (leftCounts[label] as number);
    // Children that will be leaves need no row lists: skip the partition when both are.
    if (
      !isLeaf(middle - start, depth + 1, leftCounts, settings) ||
      !isLeaf(end - middle, depth + 1, rightCounts, settings)
    ) {
      splitter.partition(split, start, end);
    }
    pending.push(middle, end, depth + 1, index, 1, rightCounts);
    pending.push(start, middle, depth + 1, index, 0, leftCounts); // popped first: splits are numbered in pre-order
  }
  return builder.finish();
}

/** How often each row is drawn in n draws with replacement. */
export function bootstrapWeights(n: number, rng: FastRng): Uint32Array {
  const weights = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const row = rng.int(n);
    weights[row] = (weights[row] as number) + 1;
  }
  return weights;
}

function isLeaf(size: number, depth: number, counts: Float64Array, settings: GrowSettings): boolean {
  if (depth >= settings.maxDepth || size < settings.minSamplesSplit || size < 2 * settings.minSamplesLeaf) return true;
  let total = 0;
  let largest = 0;
  for (let label = 0; label < counts.length; label++) {
    const count = counts[label] as number;
    total += count;
    if (count > largest) largest = count;
  }
  return largest === total; // pure: Gini impurity 0
}

/** The class with the highest weighted count; ties go to the lower class index. */
function majorityClass(counts: Float64Array): number {
  let best = 0;
  for (let label = 1; label < counts.length; label++)
    if ((counts[label] as number) > (counts[best] as number)) best = label;
  return best;
}

/** Flags the rows of the left child (a prefix of the split feature's list) and puts their class counts in `counts`. */
function markLeftRows(
  list: SortedList,
  start: number,
  middle: number,
  end: number,
  goesLeft: Uint8Array,
  counts: Float64Array,
): void {
  counts.fill(0);
  for (let i = start; i < middle; i++) {
    goesLeft[list.rows[i] as number] = 1;
    const weightLabel = list.weightLabels[i] as number;
    const label = weightLabel & LABEL_MASK;
    counts[label] = (counts[label] as number) + (weightLabel >>> LABEL_BITS);
  }
  for (let i = middle; i < end; i++) goesLeft[list.rows[i] as number] = 0;
}

/** Stable partition of records [start, end): those whose bin of `feature` is at most `bin` first. */
function partitionRecords(
  records: RowRecords,
  start: number,
  end: number,
  feature: number,
  bin: number,
  scratch: Int32Array,
): void {
  const { width, words, bytes } = records;
  let leftEnd = start;
  let rightWords = 0;
  for (let i = start; i < end; i++) {
    const base = i * width;
    if ((bytes[4 * base + feature] as number) <= bin) {
      const to = leftEnd * width;
      for (let word = 0; word < width; word++) words[to + word] = words[base + word] as number;
      leftEnd++;
    } else {
      for (let word = 0; word < width; word++) scratch[rightWords++] = words[base + word] as number;
    }
  }
  words.set(scratch.subarray(0, rightWords), leftEnd * width);
}
