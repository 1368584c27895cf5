import type { Neighbour } from "./neighbours.ts";

/**
 * A feature-space anomaly score: the mean distance to the k nearest neighbours on standardized features,
 * labels ignored. Rows drawn at random over the feature ranges (feature noise, injected rows) land far from
 * IRIS's dense clusters. Flags the round(contamination x n) rows with the highest scores.
 */
export function knnDistanceOutliers(neighbours: readonly Neighbour[][], contamination: number) {
  const scores = neighbours.map((near) =>
    near.length === 0 ? 0 : near.reduce((sum, { distance }) => sum + distance, 0) / near.length,
  );
  return { scores, flags: flagTopShare(scores, contamination) };
}

/** Flags the round(share x n) highest scores; equal scores go to the lower index first. */
export function flagTopShare(scores: readonly number[], share: number): boolean[] {
  const count = Math.round(share * scores.length);
  const ranked = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const flags = new Array<boolean>(scores.length).fill(false);
  for (const i of ranked.slice(0, count)) flags[i] = true;
  return flags;
}
