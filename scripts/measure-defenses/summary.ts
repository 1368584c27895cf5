/** Mean with a two-sided 95 % Student-t interval, for the seed repeats of a benchmark. */
export interface Summary {
  mean: number;
  halfWidth: number;
  n: number;
}

export function summarise(values: readonly number[]): Summary | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, halfWidth: Number.NaN, n };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  return { mean, halfWidth: tQuantile975(n - 1) * Math.sqrt(variance / n), n };
}

/** The 97.5 % quantile of Student's t by its Cornish-Fisher expansion around the normal; within 0.002 for df >= 5. */
function tQuantile975(df: number): number {
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3);
}
