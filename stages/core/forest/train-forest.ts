import { createRng, subSeed } from "../rng.ts";
import { binMatrix } from "./bins.ts";
import { createFastRng } from "./fast-rng.ts";
import { type ForestColumns, type GrowSettings, growTree } from "./grow-tree.ts";
import type { FeatureMatrix } from "./matrix.ts";
import { sortColumns } from "./presort.ts";
import type { Tree } from "./tree.ts";

export interface ForestSettings extends GrowSettings {
  trees: number;
  seed: number;
  /** Histogram splits on at most this many bins per feature (train.max_bins); absent: exact splits. */
  maxBins?: number;
}

export interface Forest {
  featureCount: number;
  classCount: number;
  trees: Tree[];
}

/**
 * Grows tree `index` of a forest. Its randomness comes from the forest seed and the index alone, so a tree
 * is the same whichever thread grows it and in whatever order: the basis of thread-count independence.
 */
export function growForestTree(
  matrix: FeatureMatrix,
  columns: ForestColumns,
  settings: ForestSettings,
  index: number,
): Tree {
  return growTree(matrix, columns, settings, createFastRng(createRng(subSeed(settings.seed, "tree", index))));
}

/** Trains the whole forest in this thread. */
export function trainForest(matrix: FeatureMatrix, settings: ForestSettings): Forest {
  const columns = forestColumns(matrix, settings);
  const trees = Array.from({ length: settings.trees }, (_, index) => growForestTree(matrix, columns, settings, index));
  return { featureCount: matrix.columns.length, classCount: matrix.classCount, trees };
}

/** The columns every tree reads, prepared once per forest: binned with maxBins, else sorted. */
export function forestColumns(matrix: FeatureMatrix, settings: ForestSettings): ForestColumns {
  return settings.maxBins === undefined
    ? { kind: "sorted", sorted: sortColumns(matrix) }
    : { kind: "binned", binned: binMatrix(matrix, settings.maxBins) };
}

/**
 * Class probabilities of each row: the share of trees voting for each class. Each tree is first packed
 * into one Float64Array (threshold, feature, left, right per split) and the rows into one row-major array,
 * so a step down a tree touches one cache line: 1.5x faster on deep trees than the tree's four arrays.
 */
export function forestProbabilities(forest: Forest, columns: readonly Float64Array[]): number[][] {
  const features = columns.length;
  const rowCount = columns[0]?.length ?? 0;
  const classes = forest.classCount;
  const rows = new Float64Array(rowCount * features);
  columns.forEach((column, f) => {
    column.forEach((value, row) => {
      rows[row * features + f] = value;
    });
  });
  const votes = new Uint32Array(rowCount * classes);
  for (const tree of forest.trees) {
    const nodes = packTree(tree);
    for (let row = 0; row < rowCount; row++) {
      const base = row * features;
      let node = 0;
      for (;;) {
        const at = 4 * node;
        const next =
          (rows[base + (nodes[at + 1] as number)] as number) <= (nodes[at] as number)
            ? (nodes[at + 2] as number)
            : (nodes[at + 3] as number);
        if (next < 0) {
          const slot = row * classes - next - 1;
          votes[slot] = (votes[slot] as number) + 1;
          break;
        }
        node = next;
      }
    }
  }
  return Array.from({ length: rowCount }, (_, row) =>
    Array.from({ length: classes }, (_, label) => (votes[row * classes + label] as number) / forest.trees.length),
  );
}

function packTree(tree: Tree): Float64Array {
  const nodes = new Float64Array(tree.feature.length * 4);
  for (let i = 0; i < tree.feature.length; i++) {
    nodes[4 * i] = tree.threshold[i] as number;
    nodes[4 * i + 1] = tree.feature[i] as number;
    nodes[4 * i + 2] = tree.left[i] as number;
    nodes[4 * i + 3] = tree.right[i] as number;
  }
  return nodes;
}
