import type { TrainWithSeed } from "../classifier.ts";
import type { Row, Schema } from "../dataset.ts";
import { accuracy } from "../metrics.ts";
import { type Classifier, predictLabels } from "../model.ts";

/** What every measurement of one repeat of the adversary study shares: the split, the seeds and the forest. */
export interface RepeatContext {
  schema: Schema;
  train: readonly Row[];
  test: readonly Row[];
  /** study.seed and the repeat's index, from which every seed of the repeat is derived. */
  seed: number;
  repeat: number;
  forestSeed: number;
  trainWithSeed: TrainWithSeed;
}

/** The study forest trained on `rows` with the repeat's seed. */
export function fitForest(context: RepeatContext, rows: readonly Row[]): Classifier {
  return context.trainWithSeed(rows, context.forestSeed);
}

/** Clean-test accuracy of a model on the repeat's test split. */
export function testAccuracy(context: RepeatContext, model: Classifier): number {
  return accuracy(
    context.test.map((row) => row.label),
    predictLabels(
      model,
      context.test.map((row) => row.features),
    ),
  );
}
