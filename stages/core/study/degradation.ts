import type { TrainWithSeed } from "../classifier.ts";
import type { Dataset } from "../dataset.ts";
import { accuracy, classificationReport, confusionMatrix } from "../metrics.ts";
import { predictLabels } from "../model.ts";
import { poisonRows, type RandomAttack } from "../poison.ts";
import type { Progress } from "../progress.ts";
import { createRng, deriveSeed } from "../rng.ts";
import { stratifiedSplit } from "../split.ts";
import { type Summary, summarize } from "./statistics.ts";
import { trainCost } from "./train-cost.ts";

export interface DegradationSpec {
  seed: number;
  repeats: number;
  test_size: number;
  methods: readonly RandomAttack[];
  rates: readonly number[];
}

export interface DegradationCell {
  method: RandomAttack;
  rate: number;
  accuracy: Summary;
  precision_macro: Summary;
  recall_macro: Summary;
  f1_macro: Summary;
  accuracy_on_poisoned_test: Summary;
  /** Clean-test accuracy of each repeat, in repeat order, so every summary can be checked. */
  accuracy_values: number[];
}

interface Measurement {
  accuracy: number;
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  accuracy_on_poisoned_test: number;
}

/**
 * Clean-test accuracy and macro-F1 for every (method, rate), over `repeats` fresh stratified splits. Within a
 * repeat all cells share the split and the forest seed, and a method's poison seed is shared across rates, so
 * a higher rate poisons a superset of the rows of a lower one: cells differ only by the poison.
 */
export function runDegradation(
  { rows, schema }: Dataset,
  spec: DegradationSpec,
  trainWithSeed: TrainWithSeed,
  progress?: Progress,
): DegradationCell[] {
  const cells = spec.methods.flatMap((method) =>
    spec.rates.map((rate) => ({ method, rate, runs: [] as Measurement[] })),
  );
  let done = 0;
  for (let repeat = 0; repeat < spec.repeats; repeat++) {
    const { train, test } = stratifiedSplit(rows, spec.test_size, createRng(deriveSeed(spec.seed, "split", repeat)));
    const forestSeed = deriveSeed(spec.seed, "forest", repeat);
    for (const cell of cells) {
      const poisonSeed = deriveSeed(spec.seed, "poison", cell.method, repeat);
      const poisoned = poisonRows(train, cell, createRng(poisonSeed), schema).rows;
      const poisonedTest = poisonRows(
        test,
        cell,
        createRng(deriveSeed(spec.seed, "poison-test", cell.method, repeat)),
        schema,
      ).rows;
      const classifier = trainWithSeed(poisoned, forestSeed);
      const predicted = predictLabels(
        classifier,
        test.map((row) => row.features),
      );
      const report = classificationReport(
        confusionMatrix(
          test.map((row) => row.label),
          predicted,
          schema.classes.length,
        ),
      );
      const poisonedPredicted = predictLabels(
        classifier,
        poisonedTest.map((row) => row.features),
      );
      cell.runs.push({
        accuracy: report.accuracy,
        precision_macro: report.precision_macro,
        recall_macro: report.recall_macro,
        f1_macro: report.f1_macro,
        accuracy_on_poisoned_test: accuracy(
          poisonedTest.map((row) => row.label),
          poisonedPredicted,
        ),
      });
      // Every cell fits on the same number of rows and predicts the test split twice: all cost the same.
      const cost = trainCost(train.length, 2 * test.length);
      const total = spec.repeats * cells.length;
      done++;
      progress?.({ done, total, work: done * cost, totalWork: total * cost });
    }
  }
  return cells.map(({ method, rate, runs }) => ({
    method,
    rate,
    accuracy: summarize(runs.map((run) => run.accuracy)),
    precision_macro: summarize(runs.map((run) => run.precision_macro)),
    recall_macro: summarize(runs.map((run) => run.recall_macro)),
    f1_macro: summarize(runs.map((run) => run.f1_macro)),
    accuracy_on_poisoned_test: summarize(runs.map((run) => run.accuracy_on_poisoned_test)),
    accuracy_values: runs.map((run) => run.accuracy),
  }));
}
