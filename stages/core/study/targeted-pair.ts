import type { Dataset } from "../dataset.ts";

/** targeted_flip's pair: the data's largest class to its next largest (ties: the lower index). */
export function targetedPair({ rows, schema }: Dataset): { source: number; target: number } {
  const counts = schema.classes.map((_, c) => rows.filter((row) => row.label === c).length);
  const order = counts.map((_, c) => c).sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
  return { source: order[0] as number, target: order[1] as number };
}
