import type { Row } from "../dataset.ts";
import { round6 } from "../format.ts";

/**
 * An attack on partition aggregation aimed at one test point: `count` rows right beside it (its first feature
 * nudged by 1e-4 per row, so each hashes to a part of its own more often than not) labelled `label`. A part
 * that gets one usually votes `label` for the point: close to the worst `count` insertions can do to it.
 */
export function rowsNear(point: readonly number[], label: number, count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    features: point.map((value, f) => (f === 0 ? round6(value + (i + 1) * 1e-4) : value)),
    label,
  }));
}
