import type { TrainWithSeed } from "../classifier.ts";
import type { Row, Schema } from "../dataset.ts";
import { accuracy } from "../metrics.ts";
import { predictLabels } from "../model.ts";
import { poisonRows } from "../poison.ts";
import type { Progress } from "../progress.ts";
import { createRng, deriveSeed, shuffled } from "../rng.ts";
import { type Summary, summarize } from "./statistics.ts";
import { trainCost } from "./train-cost.ts";

export interface CurveSpec {
  seed: number;
  repeats: number;
  rates: readonly number[];
  sizes: readonly number[];
  /** The schema of the source's rows (its classes are what label_flip flips among). */
  schema: Schema;
}

/** Where a repeat's rows come from: a pool to draw training rows from (at least the largest size) and a clean test set. */
export type CurveSource = (repeat: number) => { pool: Row[]; test: Row[] };

export interface CurvePoint {
  rate: number;
  rows: number;
  accuracy: Summary;
}

/**
 * Clean-test accuracy against the number of training rows, for label_flip at each rate. In a repeat the pool is
 * shuffled once and every size takes its first rows, so larger sets contain smaller ones; the poison and forest
 * seeds are shared across sizes and rates.
 */
export function runLearningCurve(
  source: CurveSource,
  spec: CurveSpec,
  trainWithSeed: TrainWithSeed,
  progress?: Progress,
): CurvePoint[] {
  const points = spec.rates.flatMap((rate) => spec.sizes.map((rows) => ({ rate, rows, values: [] as number[] })));
  let done = 0;
  let work = 0;
  for (let repeat = 0; repeat < spec.repeats; repeat++) {
    const { pool, test } = source(repeat);
    const largest = Math.max(...spec.sizes);
    if (pool.length < largest)
      throw new Error(`learning curve: the pool has ${pool.length} rows, fewer than ${largest}`);
    const ordered = shuffled(createRng(deriveSeed(spec.seed, "curve-order", repeat)), pool);
    for (const point of points) {
      const train = ordered.slice(0, point.rows);
      const poisoned = poisonRows(
        train,
        { method: "label_flip", rate: point.rate },
        createRng(deriveSeed(spec.seed, "curve-poison", repeat)),
        spec.schema,
      ).rows;
      const classifier = trainWithSeed(poisoned, deriveSeed(spec.seed, "curve-forest", repeat));
      const predicted = predictLabels(
        classifier,
        test.map((row) => row.features),
      );
      point.values.push(
        accuracy(
          test.map((row) => row.label),
          predicted,
        ),
      );
      // A point's cost grows with its rows; every repeat draws a test set of the same size.
      work += trainCost(point.rows, test.length);
      const totalWork = spec.repeats * points.reduce((sum, { rows }) => sum + trainCost(rows, test.length), 0);
      progress?.({ done: ++done, total: spec.repeats * points.length, work, totalWork });
    }
  }
  return points.map(({ rate, rows, values }) => ({ rate, rows, accuracy: summarize(values) }));
}
