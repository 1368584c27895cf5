import type { Row } from "../../stages/core/dataset.ts";
import type { Classifier } from "../../stages/core/model.ts";

/**
 * A tiny, exact classifier for tests of code that only needs "some" model: it predicts the class whose mean
 * feature vector is nearest. Fast and deterministic, with no seed.
 */
export function nearestCentroid(rows: readonly Row[], classCount = 3): Classifier {
  const centroids = Array.from({ length: classCount }, (_, label) => {
    const members = rows.filter((row) => row.label === label);
    const width = rows[0]?.features.length ?? 0;
    return Array.from(
      { length: width },
      (_, f) => members.reduce((sum, row) => sum + (row.features[f] as number), 0) / Math.max(members.length, 1),
    );
  });
  return {
    classCount,
    probabilities(features) {
      return features.map((point) => {
        const distances = centroids.map((centre) =>
          centre.reduce((sum, value, f) => sum + (value - (point[f] as number)) ** 2, 0),
        );
        const best = distances.indexOf(Math.min(...distances));
        return distances.map((_, k) => (k === best ? 1 : 0));
      });
    },
  };
}
