import { RandomForestClassifier } from "ml-random-forest";
import { StageError } from "./errors.ts";
import type { TrainParams } from "./params.ts";
import type { Classifier } from "./model.ts";

/**
 * The ml-random-forest engine behind our Classifier interface. Works around the library's traps
 * (DESIGN.md section 5): labels are 0..k-1 integers, OOB is off, max_features is always passed as a
 * fraction (an integer 1 would be read as 100 %), and probabilities come from the trees' votes because
 * the library's predictProbability drops the first tree.
 */

/** The part of the library's API we use; its own .d.ts is wrong in places. */
interface MljsForest {
  train(features: number[][], labels: number[]): void;
  predictionValues(features: number[][]): { rows: number; getRow(index: number): number[] };
  toJSON(): unknown;
}

export function trainMljsForest(features: number[][], labels: number[], params: TrainParams): unknown {
  const featureCount = features[0]?.length ?? 0;
  if (Math.floor(featureCount * params.max_features) < 1) {
    throw new StageError(
      `train.max_features = ${params.max_features} selects no feature of ${featureCount}; use at least ${1 / featureCount}`,
    );
  }
  const forest = new RandomForestClassifier({
    nEstimators: params.n_estimators,
    maxFeatures: params.max_features,
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

export function loadMljsForest(json: unknown, classCount: number): Classifier {
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
