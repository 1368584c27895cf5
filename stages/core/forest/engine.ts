import type { Classifier } from "../model.ts";
import type { TrainParams } from "../params.ts";
import { ForestFile, parseForestFile } from "./forest-file.ts";
import { forestLabels, forestShares, type JobRunner, packForest, walkInThisThread } from "./forest-predict.ts";
import type { FeatureMatrix } from "./matrix.ts";
import { type ForestSettings, trainForest } from "./train-forest.ts";

/**
 * The poisonlab-forest engine behind the Classifier interface: CART with Gini impurity, each feature sorted
 * once per forest (exact splits) or binned once (histogram splits, train.max_bins), a fresh random feature
 * subset at every split, bootstrap samples; probabilities are the shares of the trees' votes, as with the
 * ml-random-forest engine.
 */

/** The engine's reading of the train params; max_features follows scikit-learn's rules. */
export function forestSettings(params: TrainParams, featureCount: number): ForestSettings {
  const maxFeatures = params.max_features ?? "sqrt";
  return {
    trees: params.n_estimators,
    seed: params.seed,
    maxFeatures: Math.max(1, Math.floor(maxFeatures === "sqrt" ? Math.sqrt(featureCount) : maxFeatures * featureCount)),
    maxDepth: params.max_depth ?? Number.POSITIVE_INFINITY,
    minSamplesSplit: params.min_samples_split,
    minSamplesLeaf: params.min_samples_leaf ?? 1,
    ...(params.max_bins == null ? {} : { maxBins: params.max_bins }),
  };
}

/** Trains in this thread; stages/shell/forest-pool.ts grows the same trees on worker threads. */
export function trainPoisonlabForest(matrix: FeatureMatrix, params: TrainParams): ForestFile {
  return new ForestFile(trainForest(matrix, forestSettings(params, matrix.columns.length)));
}

/** A loaded forest, packed once for prediction; `run` walks its predictions, in this thread unless told otherwise. */
export function loadPoisonlabForest(
  value: unknown,
  expected: { featureCount: number; classCount: number },
  source: string,
  run: JobRunner = walkInThisThread,
): Classifier {
  const forest = packForest(parseForestFile(value, source, expected));
  return {
    classCount: forest.classCount,
    probabilities: (features) => forestShares(forest, features, run),
    labels: (features) => forestLabels(forest, features, run),
  };
}

// Below this many row-trees a forest grows in well under a second, less than workers take to start.
const ROW_TREES_WORTH_THREADS = 2_000_000;

/** Threads worth using for a forest: one for small ones, else up to `available` (never more than the trees). */
export function threadsWorthUsing(rowCount: number, trees: number, available: number): number {
  return rowCount * trees < ROW_TREES_WORTH_THREADS ? 1 : Math.max(1, Math.min(available, trees));
}
