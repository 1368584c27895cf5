import seedrandom from "seedrandom";

/**
 * A 31-bit seed derived from the study seed and a path of names and numbers, e.g. (seed, "split", 3). The
 * same path always gives the same seed; different paths give unrelated ones.
 */
export function deriveSeed(seed: number, ...path: Array<string | number>): number {
  return Math.floor(seedrandom([seed, ...path].join("/")).double() * 2_147_483_647);
}
