/** 1-based ranks of the values, ascending; equal values share their average rank (as in Mann-Whitney U). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length).fill(0);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1] as number] === values[order[start] as number]) end++;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i] as number] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Ranks scaled to [0, 1], so scores on different scales (a probability, a distance) can be combined. */
export function rankScores(values: readonly number[]): number[] {
  if (values.length <= 1) return values.map(() => 0);
  return averageRanks(values).map((rank) => (rank - 1) / (values.length - 1));
}
