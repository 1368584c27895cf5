/**
 * What an aggregation sees of one test point: each part's score per class (how many of its trees vote for that
 * class: with one tree, 1 for its class and 0 for the others), or null for an empty part, which abstains.
 */
export type PartScores = ReadonlyArray<readonly number[] | null>;

/** A part's first choice: its highest-scoring class, a tie going to the lower class index. */
export function firstChoice(scores: readonly number[]): number {
  return scores.indexOf(Math.max(...scores));
}

/** How many parts name each class as their first choice. */
export function firstChoiceVotes(parts: PartScores, classCount: number): number[] {
  const votes = new Array<number>(classCount).fill(0);
  for (const scores of parts) {
    if (scores === null) continue;
    const label = firstChoice(scores);
    votes[label] = (votes[label] as number) + 1;
  }
  return votes;
}
