import type { Row } from "../dataset.ts";
import { createFastRng } from "../forest/fast-rng.ts";
import { growWeightedTree } from "../forest/grow-tree.ts";
import { matrixFromRows } from "../forest/matrix.ts";
import { sortColumns } from "../forest/presort.ts";
import { type Forest, trainForest } from "../forest/train-forest.ts";
import { treeVote } from "../forest/tree.ts";
import type { Aggregation } from "../params.ts";
import { createRng, deriveSeed, subSeed } from "../rng.ts";
import { AGGREGATE } from "./aggregations.ts";
import type { Certified } from "./certificate.ts";
import { firstChoiceVotes, type PartScores } from "./part-scores.ts";
import { partOf } from "./partition.ts";

/** The base model of every part: one tree on all its rows, or a small bootstrap forest (poisonlab-forest). */
export interface BaseModelSettings {
  trees: number;
  /** Features tried per split; null: all for one tree, sqrt for a forest. */
  maxFeatures: number | "sqrt" | null;
  maxDepth: number | null;
  minSamplesLeaf: number;
  seed: number;
}

/** One model per part; null for an empty part, which abstains. */
export interface PartitionEnsemble {
  classCount: number;
  models: Array<Forest | null>;
}

/**
 * Trains partition aggregation: rows go to parts by partOf (features only), and each part's model depends on
 * its own rows (in file order) and on a seed derived from the part's index alone, so a change to one part's
 * rows changes no other part's model, which is what the certificate assumes.
 */
export function trainPartitions(
  rows: readonly Row[],
  classCount: number,
  parts: number,
  base: BaseModelSettings,
): PartitionEnsemble {
  const members: Row[][] = Array.from({ length: parts }, () => []);
  for (const row of rows) (members[partOf(row.features, parts)] as Row[]).push(row);
  const models = members.map((partRows, part) =>
    partRows.length === 0
      ? null
      : trainBase(partRows, classCount, { ...base, seed: deriveSeed(base.seed, "part", part) }),
  );
  return { classCount, models };
}

function trainBase(rows: readonly Row[], classCount: number, base: BaseModelSettings): Forest {
  const matrix = matrixFromRows(rows, classCount);
  const featureCount = matrix.columns.length;
  const share = base.maxFeatures ?? (base.trees === 1 ? 1 : "sqrt");
  const settings = {
    maxFeatures: Math.max(1, Math.floor(share === "sqrt" ? Math.sqrt(featureCount) : share * featureCount)),
    maxDepth: base.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesSplit: 2,
    minSamplesLeaf: base.minSamplesLeaf,
  };
  if (base.trees > 1) return trainForest(matrix, { ...settings, trees: base.trees, seed: base.seed });
  // One tree sees every row of its part once: no bootstrap, so a part's vote is not left to chance.
  const rng = createFastRng(createRng(subSeed(base.seed, "tree")));
  const tree = growWeightedTree(matrix, sortColumns(matrix), new Uint32Array(matrix.rowCount).fill(1), settings, rng);
  return { featureCount, classCount, trees: [tree] };
}

/** Every part's scores for each row of `features`: its trees' votes per class (null: an empty part). */
export function partScores(ensemble: PartitionEnsemble, features: readonly (readonly number[])[]): PartScores[] {
  const featureCount = features[0]?.length ?? 0;
  const columns = Array.from({ length: featureCount }, (_, f) =>
    Float64Array.from(features, (row) => row[f] as number),
  );
  return features.map((_, row) =>
    ensemble.models.map((model) => {
      if (model === null) return null;
      const votes = new Array<number>(model.classCount).fill(0);
      for (const tree of model.trees) {
        const label = treeVote(tree, columns, row);
        votes[label] = (votes[label] as number) + 1;
      }
      return votes;
    }),
  );
}

/** The first-choice vote counts per class of every row in `features`. */
export function voteCounts(ensemble: PartitionEnsemble, features: readonly (readonly number[])[]): number[][] {
  return partScores(ensemble, features).map((parts) => firstChoiceVotes(parts, ensemble.classCount));
}

/** The prediction and certified radius of every row in `features`, by the chosen aggregation. */
export function certifiedPredictions(
  ensemble: PartitionEnsemble,
  features: readonly (readonly number[])[],
  aggregation: Aggregation,
): Certified[] {
  const aggregate = AGGREGATE[aggregation];
  return partScores(ensemble, features).map((parts) => aggregate(parts, ensemble.classCount));
}
