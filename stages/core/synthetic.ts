import { CLASSES, type Row } from "./dataset.ts";
import { round6 } from "./format.ts";
import type { Rng } from "./rng.ts";

/**
 * Synthetic IRIS-like data for runs at scale: each class a multivariate Gaussian with the mean and
 * covariance of that class's raw IRIS rows, sampled with a seeded rng. Rows come lazily, so a million of
 * them never sit in memory at once.
 */

/** One class's fitted Gaussian: mean and the lower-triangular Cholesky factor L of its covariance (L Lᵀ). */
export interface ClassGaussian {
  label: number;
  mean: number[];
  cholesky: number[][];
}

export function fitClassGaussians(rows: readonly Row[], classCount: number): ClassGaussian[] {
  return Array.from({ length: classCount }, (_, label) => {
    const members = rows.filter((row) => row.label === label).map((row) => row.features);
    if (members.length < 2) throw new Error(`class ${label} has ${members.length} rows; a covariance needs at least 2`);
    const mean = columnMeans(members);
    return { label, mean, cholesky: choleskyFactor(covariance(members, mean)) };
  });
}

/** Rows per class among `total` rows drawn by sampleRows: equal shares, the remainder to the first classes. */
export function classSizes(total: number, classCount: number): number[] {
  return Array.from(
    { length: classCount },
    (_, label) => Math.floor(total / classCount) + (label < total % classCount ? 1 : 0),
  );
}

/**
 * Samples `total` rows with the classes in turn (0, 1, 2, 0, ...), so every prefix is balanced too; values
 * rounded to 6 decimals as the CSV files hold them. IRIS measurements are positive: a draw with a value
 * <= 0 (about 1 % of setosa rows, through the petal width) is drawn again, so the data stays plausible.
 */
export function* sampleRows(gaussians: readonly ClassGaussian[], total: number, rng: Rng): Generator<Row> {
  for (let i = 0; i < total; i++) {
    const gaussian = gaussians[i % gaussians.length] as ClassGaussian;
    let features = sampleGaussian(gaussian, rng).map(round6);
    while (!features.every((value) => value > 0)) features = sampleGaussian(gaussian, rng).map(round6);
    yield { features, label: gaussian.label };
  }
}

/** A sampler fitted to IRIS rows: `count` synthetic rows from an rng, as an array (for studies in memory). */
export function fitSynthetic(iris: readonly Row[]): (count: number, rng: Rng) => Row[] {
  const gaussians = fitClassGaussians(iris, CLASSES.length);
  return (count, rng) => [...sampleRows(gaussians, count, rng)];
}

/** Rows bound for the train (0) or test (1) table, with the tables' sizes known before the first row. */
export interface TableStream {
  sizes: [train: number, test: number];
  rows: Iterable<{ table: number; row: Row }>;
}

/**
 * `total` synthetic rows fitted to `iris`, split like stratifiedSplit: exactly round(testSize x size) rows
 * of each class go to test. The rows are drawn lazily and the split chooses by selection sampling (each
 * row with probability still-needed / still-to-come), so neither needs memory for the rows.
 */
export function syntheticTables(
  iris: readonly Row[],
  total: number,
  testSize: number,
  sampleRng: Rng,
  splitRng: Rng,
): TableStream {
  const gaussians = fitClassGaussians(iris, CLASSES.length);
  const sizes = classSizes(total, CLASSES.length);
  const testSizes = sizes.map((size) => Math.round(testSize * size));
  const test = testSizes.reduce((a, b) => a + b, 0);
  return {
    sizes: [total - test, test],
    rows: selectTest(sampleRows(gaussians, total, sampleRng), sizes, testSizes, splitRng),
  };
}

/** An in-memory split (IRIS's) in the same form. */
export function splitTables(split: { train: readonly Row[]; test: readonly Row[] }): TableStream {
  const rows = [...split.train.map((row) => ({ table: 0, row })), ...split.test.map((row) => ({ table: 1, row }))];
  return { sizes: [split.train.length, split.test.length], rows };
}

function* selectTest(
  rows: Iterable<Row>,
  sizes: readonly number[],
  testSizes: readonly number[],
  rng: Rng,
): Generator<{ table: number; row: Row }> {
  const toCome = [...sizes];
  const needed = [...testSizes];
  for (const row of rows) {
    const left = toCome[row.label] as number;
    const want = needed[row.label] as number;
    const test = rng() * left < want;
    toCome[row.label] = left - 1;
    if (test) needed[row.label] = want - 1;
    yield { table: test ? 1 : 0, row };
  }
}

function sampleGaussian({ mean, cholesky }: ClassGaussian, rng: Rng): number[] {
  const normals = mean.map(() => standardNormal(rng));
  return mean.map((mu, i) => {
    let value = mu;
    for (let j = 0; j <= i; j++) value += (cholesky[i]?.[j] as number) * (normals[j] as number);
    return value;
  });
}

/** Box-Muller; 1 - rng() lies in (0, 1], so the logarithm is finite. */
function standardNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function columnMeans(points: readonly number[][]): number[] {
  const width = points[0]?.length ?? 0;
  return Array.from(
    { length: width },
    (_, j) => points.reduce((sum, point) => sum + (point[j] as number), 0) / points.length,
  );
}

/** The sample covariance (divisor n - 1). */
function covariance(points: readonly number[][], mean: readonly number[]): number[][] {
  return mean.map((mi, i) =>
    mean.map(
      (mj, j) =>
        points.reduce((sum, p) => sum + ((p[i] as number) - mi) * ((p[j] as number) - mj), 0) / (points.length - 1),
    ),
  );
}

/** Cholesky-Banachiewicz: L with L Lᵀ = matrix, for a symmetric positive definite matrix. */
export function choleskyFactor(matrix: readonly number[][]): number[][] {
  const n = matrix.length;
  const factor = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]?.[j] as number;
      for (let k = 0; k < j; k++) sum -= (factor[i]?.[k] as number) * (factor[j]?.[k] as number);
      if (i === j) {
        if (!(sum > 0)) throw new Error("the covariance is not positive definite");
        (factor[i] as number[])[j] = Math.sqrt(sum);
      } else {
        (factor[i] as number[])[j] = sum / (factor[j]?.[j] as number);
      }
    }
  }
  return factor;
}
