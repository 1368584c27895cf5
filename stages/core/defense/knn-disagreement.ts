import type { Neighbour } from "./neighbours.ts";

/**
 * Label disagreement: the share of a row's k nearest neighbours (on standardized features) whose label
 * differs from its own. A flipped label sits among neighbours of its true class, so its share is high.
 * Flags rows whose share is above `threshold` (0.5: most neighbours disagree).
 */
export function knnDisagreement(labels: readonly number[], neighbours: readonly Neighbour[][], threshold: number) {
  const scores = neighbours.map((near, i) => {
    if (near.length === 0) return 0;
    return near.filter(({ index }) => labels[index] !== labels[i]).length / near.length;
  });
  return { scores, flags: scores.map((score) => score > threshold) };
}
