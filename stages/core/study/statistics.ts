/** Summary statistics for repeated measurements: mean, sample standard deviation, 95 % t-interval. */

export interface Summary {
  n: number;
  mean: number;
  sd: number;
  ci95: [number, number];
}

// Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom.
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 97.5 % quantile of Student's t: a table to 30 degrees of freedom, a series expansion beyond. */
export function tQuantile975(degreesOfFreedom: number): number {
  const tabled = T_975[degreesOfFreedom - 1];
  if (tabled !== undefined) return tabled;
  const z = 1.959964;
  const df = degreesOfFreedom;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) throw new Error("summarize: no values");
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = n > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  const half = n > 1 ? (tQuantile975(n - 1) * sd) / Math.sqrt(n) : 0;
  return { n, mean, sd, ci95: [mean - half, mean + half] };
}

/** True when the two 95 % intervals do not overlap: the only case the report calls a difference significant. */
export function intervalsExclude(a: Summary, b: Summary): boolean {
  return a.ci95[1] < b.ci95[0] || b.ci95[1] < a.ci95[0];
}
