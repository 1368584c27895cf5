/**
 * The partition-aggregation certificate (Deep Partition Aggregation, Levine & Feizi, ICLR 2021, Theorem 1).
 * Each part's model votes for one class (an empty part abstains). The prediction is the class with the most
 * votes, a tie going to the lower class index. Changing one part changes at most one vote: it can take one
 * vote from the predicted class `top` and give it to another class c. The prediction survives r changed parts
 * while, for every c != top, n_top - r > n_c + r, or n_top - r = n_c + r and top < c (the tie still goes to
 * top). So the certified radius is
 *   r = floor( min over c != top of (n_top - n_c - [c < top]) / 2 )
 * which is the paper's floor((n_top - max_{c != top}(n_c + [c < top])) / 2). A training set that differs from
 * this one by at most r inserted, deleted or relabelled rows (a modified row's features count twice, see
 * partition.ts) cannot change the prediction.
 */
export interface Certified {
  label: number;
  radius: number;
}

export function certify(votes: readonly number[]): Certified {
  let top = 0;
  votes.forEach((count, c) => {
    if (count > (votes[top] as number)) top = c; // strict: a tie keeps the lower index
  });
  let gap = Number.POSITIVE_INFINITY;
  votes.forEach((count, c) => {
    if (c !== top) gap = Math.min(gap, (votes[top] as number) - count - (c < top ? 1 : 0));
  });
  return { label: top, radius: Number.isFinite(gap) ? Math.floor(gap / 2) : 0 };
}

/** Share of test points both predicted correctly and certified at radius >= r. */
export function certifiedAccuracy(results: readonly Certified[], labels: readonly number[], r: number): number {
  if (results.length === 0) return 0;
  const counted = results.filter((result, i) => result.label === labels[i] && result.radius >= r).length;
  return counted / results.length;
}
