import { RandomForestClassifier } from "ml-random-forest";
import { StageError } from "./errors.ts";
import type { Classifier } from "./model.ts";
import type { TrainParams } from "./params.ts";

/**
 * The ml-random-forest engine behind our Classifier interface. Works around the library's traps
 * (docs/background.md, "ml-random-forest's traps"): labels are 0..k-1 integers, OOB is off, max_features is
 * always passed as a fraction (an integer 1 would be read as 100 %), and probabilities come from the trees'
 * votes because the library's predictProbability drops the first tree.
 */

/** The part of the library's API we use; its own .d.ts is wrong in places. */
interface MljsForest {
  train(features: number[][], labels: number[]): void;
  predictionValues(features: number[][]): { rows: number; getRow(index: number): number[] };
  toJSON(): unknown;
}

export function trainMljsForest(features: number[][], labels: number[], params: TrainParams): unknown {
  const featureCount = features[0]?.length ?? 0;
  const maxFeatures = featureShare(params.max_features, featureCount);
  if (Math.floor(featureCount * maxFeatures) < 1) {
    throw new StageError(
      `train.max_features = ${params.max_features} selects no feature of ${featureCount}; use at least ${1 / featureCount}`,
    );
  }
  if ((params.min_samples_leaf ?? 1) !== 1) {
    throw new StageError(
      `train.min_samples_leaf = ${params.min_samples_leaf}: ml-random-forest has no minimum leaf size; use 1, or train.engine: poisonlab-forest`,
    );
  }
  if (params.max_bins != null) {
    throw new StageError(
      `train.max_bins = ${params.max_bins}: ml-random-forest has no histogram splits; use null (empty), or train.engine: poisonlab-forest`,
    );
  }
  const forest = new RandomForestClassifier({
    nEstimators: params.n_estimators,
    maxFeatures,
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    seed: params.seed,
    treeOptions: {
      gainFunction: "gini",
      splitFunction: "mean",
      // ml-cart makes a leaf when a node has <= minNumSamples rows; scikit-learn splits when rows >= min_samples_split.
      minNumSamples: params.min_samples_split - 1,
      maxDepth: params.max_depth ?? Number.POSITIVE_INFINITY,
    },
  } as never) as unknown as MljsForest;
  forest.train(features, labels);
  return forest.toJSON();
}

/** The share of features each tree draws: null means all, "sqrt" means sqrt(features) of them. */
function featureShare(maxFeatures: TrainParams["max_features"], featureCount: number): number {
  if (maxFeatures === null) return 1;
  if (maxFeatures === "sqrt") return Math.floor(Math.sqrt(featureCount)) / featureCount;
  return maxFeatures;
}

/** Loads a forest that checkMljsForest has accepted for these counts. */
export function loadMljsForest(json: unknown, { classCount }: { classCount: number }): Classifier {
  const forest = RandomForestClassifier.load(json as never) as unknown as MljsForest;
  return {
    classCount,
    probabilities(features) {
      const votes = forest.predictionValues(features);
      return Array.from({ length: votes.rows }, (_, i) => voteShares(votes.getRow(i), classCount));
    },
  };
}

function voteShares(treeVotes: readonly number[], classCount: number): number[] {
  const shares = new Array<number>(classCount).fill(0);
  for (const vote of treeVotes) shares[vote] = (shares[vote] as number) + 1 / treeVotes.length;
  return shares;
}
