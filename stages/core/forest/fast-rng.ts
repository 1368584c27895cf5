import type { Rng } from "../rng.ts";

/**
 * A small, fast generator for the engine's hot loops (a bootstrap draws as many numbers as there are rows,
 * for every tree). It is seeded from the project's seeded Rng, so every draw still flows from params.yaml.
 * The algorithm is SFC32 (Chris Doty-Humphrey's small fast counting generator), 32-bit state words.
 */
export interface FastRng {
  /** A uniform integer in [0, n), for n up to 2^32. */
  int(n: number): number;
}

export function createFastRng(seedSource: Rng): FastRng {
  const word = () => Math.floor(seedSource() * 4294967296) >>> 0;
  let a = word();
  let b = word();
  let c = word();
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of SFC32 still echo the seed: discard them, as its author recommends.
  for (let i = 0; i < 15; i++) next();
  return {
    int(n) {
      // Two words give 53 random bits, so the result has no visible bias even for millions of rows.
      const high = next() >>> 5;
      const low = next() >>> 6;
      return Math.floor(((high * 67108864 + low) / 9007199254740992) * n);
    },
  };
}
