import { createRng, subSeed } from "../rng.ts";
import { binMatrix } from "./bins.ts";
import { createFastRng } from "./fast-rng.ts";
import { type ForestColumns, type GrowSettings, growTree } from "./grow-tree.ts";
import type { FeatureMatrix } from "./matrix.ts";
import { sortColumns } from "./presort.ts";
import { packTree, type Tree } from "./tree.ts";

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
 * Class probabilities of each row: the share of trees voting for each class. Trees are walked one at a time
 * over all rows, each first laid out as PackedTree nodes and the rows as one row-major array, so a step
 * down a tree reads one 16-byte node and, when it goes left, the node right after it.
 */
export function forestProbabilities(forest: Forest, columns: readonly Float64Array[]): number[][] {
  const features = columns.length;
  const rowCount = columns[0]?.length ?? 0;
  const classes = forest.classCount;
  const rows = new Float64Array(rowCount * features);
  columns.forEach((column, f) => {
    for (let row = 0; row < rowCount; row++) rows[row * features + f] = column[row] as number;
  });
  const votes = new Uint32Array(rowCount * classes);
  for (const tree of forest.trees) {
    const { threshold, links } = packTree(tree);
    const rootFeature = links[2] as number;
    for (let row = 0; row < rowCount; row++) {
      const base = row * features;
      let node = 0;
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
  }
  return Array.from({ length: rowCount }, (_, row) =>
    Array.from({ length: classes }, (_, label) => (votes[row * classes + label] as number) / forest.trees.length),
  );
}
