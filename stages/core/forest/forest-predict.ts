import type { Forest } from "./train-forest.ts";
import { packTree } from "./tree.ts";

/**
 * Prediction with a loaded poisonlab-forest. Three things make it fast (docs/measured-predict.md):
 * - the trees are packed once, when the model is loaded (PackedForest);
 * - the rows are walked in an order that puts similar rows next to each other (rowOrder), so consecutive
 *   walks down a tree take mostly the same turns: the CPU predicts the branches, and the nodes are in cache;
 * - for labels only, a row stops being walked once the trees left cannot change its most voted class.
 * Each tree is walked for a whole chunk of rows before the next tree (the tree stays in cache). Chunks are
 * independent, so threads can share them out (stages/shell/forest-predict-pool.ts); votes are whole
 * numbers, so the result is the same whatever thread walks which chunk.
 */

/**
 * Every tree as PackedTree nodes (tree.ts) in one buffer, tree after tree: node i's threshold is
 * threshold[2i]; links[4i + 2] is its feature, or -1 for a leaf; links[4i + 3] is its right child (an index
 * into the whole buffer), or a leaf's class. The buffer is shared memory, so worker threads read it as it is.
 */
export interface PackedForest {
  featureCount: number;
  classCount: number;
  /** The node index of each tree's root. */
  roots: Int32Array;
  threshold: Float64Array;
  links: Int32Array;
  /** Each feature's lowest and highest threshold (0 for a feature no split uses): rowOrder's range. */
  lowest: Float64Array;
  highest: Float64Array;
}

export function packForest(forest: Forest): PackedForest {
  const packed = forest.trees.map(packTree);
  const nodeCount = packed.reduce((sum, tree) => sum + tree.links.length / 4, 0);
  const buffer = new SharedArrayBuffer(16 * nodeCount);
  const threshold = new Float64Array(buffer);
  const links = new Int32Array(buffer);
  const roots = new Int32Array(new SharedArrayBuffer(4 * packed.length));
  let offset = 0;
  packed.forEach((tree, t) => {
    roots[t] = offset;
    threshold.set(tree.threshold, 2 * offset);
    links.set(tree.links, 4 * offset);
    const size = tree.links.length / 4;
    for (let node = offset; node < offset + size; node++) {
      if ((links[4 * node + 2] as number) >= 0) links[4 * node + 3] = (links[4 * node + 3] as number) + offset;
    }
    offset += size;
  });
  return {
    featureCount: forest.featureCount,
    classCount: forest.classCount,
    roots,
    threshold,
    links,
    ...thresholdRanges(forest),
  };
}

/** Each feature's lowest and highest threshold; 0 and 0 for a feature no split uses. */
function thresholdRanges(forest: Forest): { lowest: Float64Array; highest: Float64Array } {
  const lowest = new Float64Array(forest.featureCount).fill(Number.POSITIVE_INFINITY);
  const highest = new Float64Array(forest.featureCount).fill(Number.NEGATIVE_INFINITY);
  for (const tree of forest.trees) {
    for (let node = 0; node < tree.feature.length; node++) {
      const f = tree.feature[node] as number;
      lowest[f] = Math.min(lowest[f] as number, tree.threshold[node] as number);
      highest[f] = Math.max(highest[f] as number, tree.threshold[node] as number);
    }
  }
  for (let f = 0; f < forest.featureCount; f++) {
    if (lowest[f] === Number.POSITIVE_INFINITY) lowest[f] = highest[f] = 0;
  }
  return { lowest, highest };
}

/** What a job computes: every tree's vote for every row, or enough votes to know each row's label. */
export type PredictMode = "votes" | "labels";

/**
 * One prediction: the rows in walk order, row-major, and the votes they collect, both in shared memory.
 * Chunks of `chunkRows` rows are claimed from `nextChunk` by whichever thread is free; `chunksDone` counts
 * the chunks finished, for a thread that waits on others.
 */
export interface PredictJob {
  forest: PackedForest;
  mode: PredictMode;
  rowCount: number;
  rows: Float64Array;
  votes: Uint32Array;
  chunkRows: number;
  chunkCount: number;
  nextChunk: Int32Array;
  chunksDone: Int32Array;
}

/** Walks the chunks of a job; the default runs them all in this thread, the pool over worker threads. */
export type JobRunner = (job: PredictJob) => void;

/**
 * At most CHUNK_ROWS rows a chunk: enough that walking a tree over a chunk costs far more than loading the tree
 * into cache. At least CHUNKS chunks where that leaves MIN_CHUNK_ROWS rows or more to each, so that threads
 * share the work out evenly.
 */
const CHUNK_ROWS = 16384;
const MIN_CHUNK_ROWS = 1024;
const CHUNKS = 8;

/** The rows of each chunk of a prediction of `rowCount` rows. */
export function chunkRows(rowCount: number): number {
  return Math.max(MIN_CHUNK_ROWS, Math.min(CHUNK_ROWS, Math.ceil(rowCount / CHUNKS)));
}

/** How many chunks a prediction of `rowCount` rows has. */
export function chunkCount(rowCount: number): number {
  return Math.ceil(rowCount / chunkRows(rowCount));
}

/** Claims chunks of the job until none is left, and walks each. */
export function walkClaimedChunks(job: PredictJob): void {
  for (let chunk = Atomics.add(job.nextChunk, 0, 1); chunk < job.chunkCount; chunk = Atomics.add(job.nextChunk, 0, 1)) {
    const start = chunk * job.chunkRows;
    walkChunk(job, start, Math.min(job.rowCount, start + job.chunkRows));
    Atomics.add(job.chunksDone, 0, 1);
    Atomics.notify(job.chunksDone, 0);
  }
}

export const walkInThisThread: JobRunner = walkClaimedChunks;

/** The share of trees voting for each class, for each row. */
export function forestShares(forest: PackedForest, features: readonly number[][], run: JobRunner): number[][] {
  const { order, votes } = predict(forest, features, "votes", run);
  const classes = forest.classCount;
  const trees = forest.roots.length;
  const shares = new Array<number[]>(features.length);
  order.forEach((row, at) => {
    shares[row] = Array.from({ length: classes }, (_, label) => (votes[at * classes + label] as number) / trees);
  });
  return shares;
}

/** The most voted class of each row, ties to the lower class: the same as the shares' first maximum. */
export function forestLabels(forest: PackedForest, features: readonly number[][], run: JobRunner): number[] {
  const { order, votes } = predict(forest, features, "labels", run);
  const labels = new Array<number>(features.length);
  order.forEach((row, at) => {
    labels[row] = leadingClass(votes, at * forest.classCount, forest.classCount);
  });
  return labels;
}

function predict(
  forest: PackedForest,
  features: readonly number[][],
  mode: PredictMode,
  run: JobRunner,
): { order: Uint32Array; votes: Uint32Array } {
  const { featureCount, classCount } = forest;
  const rowCount = features.length;
  // Copied in their order first (reading number arrays scattered over the heap in walk order is slow), then
  // put in walk order.
  const given = new Float64Array(rowCount * featureCount);
  for (let row = 0; row < rowCount; row++) {
    const values = features[row] as number[];
    for (let f = 0; f < featureCount; f++) given[row * featureCount + f] = values[f] as number;
  }
  const order = rowOrder(forest, given);
  const rows = new Float64Array(new SharedArrayBuffer(8 * rowCount * featureCount));
  for (let at = 0; at < rowCount; at++) {
    const from = (order[at] as number) * featureCount;
    for (let f = 0; f < featureCount; f++) rows[at * featureCount + f] = given[from + f] as number;
  }
  const votes = new Uint32Array(new SharedArrayBuffer(4 * rowCount * classCount));
  run({
    forest,
    mode,
    rowCount,
    rows,
    votes,
    chunkRows: chunkRows(rowCount),
    chunkCount: chunkCount(rowCount),
    nextChunk: new Int32Array(new SharedArrayBuffer(4)),
    chunksDone: new Int32Array(new SharedArrayBuffer(4)),
  });
  return { order, votes };
}

/** The first class with the most votes among `classes` votes from `base`. */
function leadingClass(votes: Uint32Array, base: number, classes: number): number {
  let lead = 0;
  let most = votes[base] as number;
  for (let label = 1; label < classes; label++) {
    if ((votes[base + label] as number) > most) {
      most = votes[base + label] as number;
      lead = label;
    }
  }
  return lead;
}

/** Walks every tree over rows [start, end) of the job, tree by tree; in labels mode, only rows still undecided. */
function walkChunk(job: PredictJob, start: number, end: number): void {
  const { rows, votes } = job;
  const { featureCount: features, classCount: classes, roots, threshold, links } = job.forest;
  const trees = roots.length;
  const active = new Int32Array(end - start);
  for (let i = 0; i < active.length; i++) active[i] = start + i;
  let activeCount = active.length;
  for (let t = 0; t < trees; t++) {
    const root = roots[t] as number;
    const rootFeature = links[4 * root + 2] as number;
    for (let i = 0; i < activeCount; i++) {
      const row = active[i] as number;
      const base = row * features;
      let node = root;
      let feature = rootFeature;
      while (feature >= 0) {
        node =
          (rows[base + feature] as number) <= (threshold[2 * node] as number)
            ? node + 1
            : (links[4 * node + 3] as number);
        feature = links[4 * node + 2] as number;
      }
      const slot = row * classes + (links[4 * node + 3] as number);
      votes[slot] = (votes[slot] as number) + 1;
    }
    // A row is decided once no class can catch up with the leader, even with all the remaining trees' votes.
    const remaining = trees - t - 1;
    if (job.mode === "labels" && remaining > 0 && 2 * (t + 1) >= trees) {
      let kept = 0;
      for (let i = 0; i < activeCount; i++) {
        const row = active[i] as number;
        if (!decided(votes, row * classes, classes, remaining)) active[kept++] = row;
      }
      activeCount = kept;
    }
  }
}

/** Whether the leading class stays the first maximum whatever the `remaining` votes go to. */
function decided(votes: Uint32Array, base: number, classes: number, remaining: number): boolean {
  const lead = leadingClass(votes, base, classes);
  const most = votes[base + lead] as number;
  for (let label = 0; label < classes; label++) {
    if (label === lead) continue;
    const best = (votes[base + label] as number) + remaining;
    if (best > most || (best === most && label < lead)) return false;
  }
  return true;
}

/** Bits of the sort key (a Z-order curve of the features' levels), split over the features. */
const KEY_BITS = 48;
const DIGIT_BITS = 16;

/**
 * The rows (row-major, forest.featureCount values each) in an order where neighbours are alike: sorted by a Z-order (Morton) key of each feature's level,
 * KEY_BITS / features bits, a level being one of equal steps between the feature's lowest and highest
 * threshold (values beyond them all go the same way in every tree; NaN counts as highest). Only the walk's
 * speed depends on the order: every row still goes down every tree by its own values.
 */
export function rowOrder(forest: PackedForest, rows: Float64Array): Uint32Array {
  const features = forest.featureCount;
  const rowCount = rows.length / features;
  const used = Math.min(forest.featureCount, KEY_BITS);
  const bits = Math.floor(KEY_BITS / used);
  const top = 2 ** bits - 1;
  const levels = new Int32Array(rowCount * used);
  for (let f = 0; f < used; f++) {
    const low = forest.lowest[f] as number;
    const step = ((forest.highest[f] as number) - low) / top;
    for (let row = 0; row < rowCount; row++) {
      const value = rows[row * features + f] as number;
      const level = Math.floor((value - low) / step); // NaN for NaN, and for a feature of one threshold
      levels[row * used + f] = level >= 0 ? Math.min(level, top) : value < low ? 0 : top;
    }
  }
  const digitCount = Math.ceil((used * bits) / DIGIT_BITS);
  const digits = new Uint16Array(rowCount * digitCount);
  for (let row = 0; row < rowCount; row++) {
    // Most significant first: the top bit of every feature, then the next bit of every feature, ...
    let digit = row * digitCount;
    let key = 0;
    let filled = 0;
    for (let bit = bits - 1; bit >= 0; bit--) {
      for (let f = 0; f < used; f++) {
        key = (key << 1) | (((levels[row * used + f] as number) >> bit) & 1);
        if (++filled === DIGIT_BITS) {
          digits[digit++] = key;
          key = 0;
          filled = 0;
        }
      }
    }
    if (filled > 0) digits[digit] = key << (DIGIT_BITS - filled);
  }
  return radixOrder(digits, digitCount, rowCount);
}

/** Row indices sorted by their keys of `digitCount` 16-bit digits, most significant first (stable LSD radix sort). */
function radixOrder(digits: Uint16Array, digitCount: number, rowCount: number): Uint32Array {
  let order = new Uint32Array(rowCount);
  for (let row = 0; row < rowCount; row++) order[row] = row;
  let next = new Uint32Array(rowCount);
  const starts = new Uint32Array((1 << DIGIT_BITS) + 1);
  for (let d = digitCount - 1; d >= 0; d--) {
    starts.fill(0);
    for (let row = 0; row < rowCount; row++) {
      const slot = (digits[row * digitCount + d] as number) + 1;
      starts[slot] = (starts[slot] as number) + 1;
    }
    for (let k = 1; k < starts.length; k++) starts[k] = (starts[k] as number) + (starts[k - 1] as number);
    for (let i = 0; i < rowCount; i++) {
      const row = order[i] as number;
      const digit = digits[row * digitCount + d] as number;
      next[starts[digit] as number] = row;
      starts[digit] = (starts[digit] as number) + 1;
    }
    [order, next] = [next, order];
  }
  return order;
}
