import { certifiedAccuracy } from "../certify/certificate.ts";
import { certifiedPredictions, trainPartitions } from "../certify/partition-aggregation.ts";
import { deriveSeed } from "../rng.ts";
import type { RepeatContext } from "./repeat-context.ts";

/**
 * Partition aggregation with `k` parts on the repeat's clean training split, one tree per part on all its rows
 * and all features (the setting of the published reference): certified accuracy at radius 0 (plain accuracy)
 * and at each of `radii`, in that order.
 */
export function certifiedAccuracies(context: RepeatContext, k: number, radii: readonly number[]): number[] {
  const base = {
    trees: 1,
    maxFeatures: null,
    maxDepth: null,
    minSamplesLeaf: 1,
    seed: deriveSeed(context.seed, "certify", context.repeat),
  };
  const ensemble = trainPartitions(context.train, context.schema.classes.length, k, base);
  // With one tree per part the run-off gives the plurality vote's predictions and radii (run-off.ts).
  const results = certifiedPredictions(
    ensemble,
    context.test.map((row) => row.features),
    "plurality",
  );
  const labels = context.test.map((row) => row.label);
  return [0, ...radii].map((r) => certifiedAccuracy(results, labels, r));
}
