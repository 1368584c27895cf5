import { createRng, subSeed } from "../rng.ts";
import { binMatrix } from "./bins.ts";
import { createFastRng } from "./fast-rng.ts";
import { forestShares, packForest, walkInThisThread } from "./forest-predict.ts";
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

/** Class probabilities of rows given as feature columns, in this thread: forest-predict.ts's vote shares. */
export function forestProbabilities(forest: Forest, columns: readonly Float64Array[]): number[][] {
  const rowCount = columns[0]?.length ?? 0;
  const features = Array.from({ length: rowCount }, (_, row) => columns.map((column) => column[row] as number));
  return forestShares(packForest(forest), features, walkInThisThread);
}
