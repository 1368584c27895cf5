import seedrandom from "seedrandom";

/** A seeded source of uniform numbers in [0, 1). Every random function in the core takes one. */
export type Rng = () => number;

/** Seeds are numbers from params.yaml, or sub-seeds derived from them with subSeed. */
export function createRng(seed: number | string): Rng {
  const generator = seedrandom(String(seed));
  return () => generator.double();
}

/**
 * The one way to derive a seed for a separate random stream: a path of names and numbers under a seed,
 * e.g. subSeed(7, "test") is "7/test". The same path always gives the same stream; different paths give
 * unrelated ones. Give the result to createRng.
 */
export function subSeed(seed: number | string, ...path: ReadonlyArray<string | number>): string {
  return [seed, ...path].join("/");
}

/** A sub-seed as a 31-bit integer, for what takes a numeric seed (a forest's `seed`, a study repeat). */
export function deriveSeed(seed: number, ...path: ReadonlyArray<string | number>): number {
  return Math.floor(createRng(subSeed(seed, ...path))() * 2_147_483_647);
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** A uniform number in [low, high]. */
export function randomUniform(rng: Rng, low: number, high: number): number {
  return low + rng() * (high - low);
}

/** A new array with the items in random order (Fisher-Yates). */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** k distinct indices of [0, n), sorted ascending so manifests read in file order. */
export function sampleIndices(rng: Rng, n: number, k: number): number[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  return shuffled(rng, indices)
    .slice(0, k)
    .sort((a, b) => a - b);
}
