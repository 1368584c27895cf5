/**
 * Which part of a partition-aggregation ensemble a training row belongs to: a hash of its feature values
 * only, never its label or its position in the file. So:
 * - a flipped label leaves the row in its part: one part changes;
 * - an inserted or a deleted row changes the one part its features hash to, and no other (the other parts
 *   keep the same rows in the same order);
 * - a row whose features are modified may hash elsewhere: it leaves one part and joins another, so a
 *   modification counts as two changed parts (a deletion plus an insertion).
 * FNV-1a (32-bit) over the values written as the CSV files hold them (6 decimals), so the part is the same
 * whether the row was read from a file or made in memory.
 */
export function partOf(features: readonly number[], parts: number): number {
  let hash = 0x811c9dc5;
  const text = features.map((value) => String(Math.round(value * 1e6) / 1e6)).join(",");
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % parts;
}
