import type { Dataset, Row } from "./dataset.ts";
import { StageError } from "./errors.ts";
import { round6 } from "./format.ts";
import type { Rng } from "./rng.ts";

/**
 * Synthetic data for runs at scale, fitted to a data set: within each class, the numeric features are a
 * multivariate Gaussian with the mean and covariance of that class's rows, and each categorical feature is
 * drawn independently with the class's category frequencies. Sampled with a seeded rng; rows come lazily,
 * so a million of them never sit in memory at once.
 */

/** One class's fitted distribution: mean and lower-triangular Cholesky factor L (L Lᵀ = covariance) of the numeric features, and per categorical feature the cumulative counts of its codes. */
export interface ClassGaussian {
  label: number;
  mean: number[];
  cholesky: number[][];
  cumulativeCounts: number[][];
}

/** The fitted generator: one distribution per class, and where its features go in a row. */
export interface SyntheticModel {
  classes: ClassGaussian[];
  numeric: number[];
  categorical: number[];
  /** Numeric features (positions in `numeric`) whose fitted values are all positive: draws stay positive. */
  positive: number[];
}

export function fitClassGaussians({ schema, rows }: Dataset): SyntheticModel {
  const numeric = schema.features.flatMap((column, f) => (column.kind === "numeric" ? [f] : []));
  const categorical = schema.features.flatMap((column, f) => (column.kind === "categorical" ? [f] : []));
  const positive = numeric.flatMap((f, i) => (rows.every((row) => (row.features[f] as number) > 0) ? [i] : []));
  const classes = schema.classes.map((name, label) => {
    const members = rows.filter((row) => row.label === label);
    if (members.length < 2) {
      throw new StageError(
        `synthetic data: the class ${JSON.stringify(name)} has ${members.length} rows; fitting a covariance needs at least 2`,
      );
    }
    const points = members.map((row) => numeric.map((f) => row.features[f] as number));
    const mean = columnMeans(points, numeric.length);
    const cumulativeCounts = categorical.map((f) => {
      const column = schema.features[f];
      const counts = new Array<number>(column?.kind === "categorical" ? column.categories.length : 0).fill(0);
      for (const row of members) counts[row.features[f] as number] = (counts[row.features[f] as number] ?? 0) + 1;
      let sum = 0;
      return counts.map((count) => (sum += count));
    });
    return { label, mean, cholesky: regularisedCholesky(covariance(points, mean), name), cumulativeCounts };
  });
  return { classes, numeric, categorical, positive };
}

/**
 * The covariance's Cholesky factor; a singular covariance (a constant or duplicated column within a class)
 * gets a small ridge on its diagonal, relative to its scale, so the data set can still be fitted.
 */
function regularisedCholesky(matrix: number[][], className: string): number[][] {
  try {
    return choleskyFactor(matrix);
  } catch {
    const scale = Math.max(1e-12, ...matrix.map((row, i) => Math.abs(row[i] as number)));
    try {
      return choleskyFactor(matrix.map((row, i) => row.map((value, j) => (i === j ? value + 1e-6 * scale : value))));
    } catch {
      throw new StageError(`synthetic data: the class ${JSON.stringify(className)}'s covariance cannot be factored`);
    }
  }
}

/** Rows per class among `total` rows drawn by sampleRows: equal shares, the remainder to the first classes. */
export function classSizes(total: number, classCount: number): number[] {
  return Array.from(
    { length: classCount },
    (_, label) => Math.floor(total / classCount) + (label < total % classCount ? 1 : 0),
  );
}

/** Redraws of a row whose positive features came out <= 0 before giving up. */
const MAX_REDRAWS = 10_000;

/**
 * Samples `total` rows with the classes in turn (0, 1, 2, 0, ...), so every prefix is balanced too; values
 * rounded to 6 decimals as the CSV files hold them. A feature whose fitted values are all positive (every
 * IRIS measurement) stays positive: a draw with such a value <= 0 is drawn again, so the data stays plausible.
 */
export function* sampleRows(model: SyntheticModel, total: number, rng: Rng): Generator<Row> {
  const width = model.numeric.length + model.categorical.length;
  for (let i = 0; i < total; i++) {
    const gaussian = model.classes[i % model.classes.length] as ClassGaussian;
    let values = sampleGaussian(gaussian, rng).map(round6);
    for (let redraws = 0; !model.positive.every((p) => (values[p] as number) > 0); redraws++) {
      if (redraws === MAX_REDRAWS)
        throw new StageError("synthetic data: cannot draw positive values for this data set");
      values = sampleGaussian(gaussian, rng).map(round6);
    }
    const features = new Array<number>(width);
    model.numeric.forEach((f, j) => {
      features[f] = values[j] as number;
    });
    model.categorical.forEach((f, j) => {
      features[f] = drawCode(gaussian.cumulativeCounts[j] as number[], rng);
    });
    yield { features, label: gaussian.label };
  }
}

function drawCode(cumulative: readonly number[], rng: Rng): number {
  const target = rng() * (cumulative[cumulative.length - 1] as number);
  const code = cumulative.findIndex((sum) => target < sum);
  return code < 0 ? cumulative.length - 1 : code;
}

/** A sampler fitted to a data set: `count` synthetic rows from an rng, as an array (for studies in memory). */
export function fitSynthetic(data: Dataset): (count: number, rng: Rng) => Row[] {
  const model = fitClassGaussians(data);
  return (count, rng) => [...sampleRows(model, count, rng)];
}

/** Rows bound for the train (0) or test (1) table, with the tables' sizes known before the first row. */
export interface TableStream {
  sizes: [train: number, test: number];
  rows: Iterable<{ table: number; row: Row }>;
}

/**
 * `total` synthetic rows fitted to `data`, split like stratifiedSplit: exactly round(testSize x size) rows
 * of each class go to test. The rows are drawn lazily and the split chooses by selection sampling (each
 * row with probability still-needed / still-to-come), so neither needs memory for the rows.
 */
export function syntheticTables(
  data: Dataset,
  total: number,
  testSize: number,
  sampleRng: Rng,
  splitRng: Rng,
): TableStream {
  const model = fitClassGaussians(data);
  const sizes = classSizes(total, model.classes.length);
  const testSizes = sizes.map((size) => Math.round(testSize * size));
  const test = testSizes.reduce((a, b) => a + b, 0);
  return {
    sizes: [total - test, test],
    rows: selectTest(sampleRows(model, total, sampleRng), sizes, testSizes, splitRng),
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

function columnMeans(points: readonly number[][], width: number): number[] {
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
