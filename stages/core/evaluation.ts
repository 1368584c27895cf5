import { className, type Row, type Schema } from "./dataset.ts";
import { accuracy, classificationReport, confusionMatrix } from "./metrics.ts";
import { type Classifier, predictLabels } from "./model.ts";

export interface PoisonCounts {
  rows_in: number;
  rows_out: number;
  rows_poisoned: number;
}

/** The attack that produced a result, named in its metrics so a table row says what it measured. */
export interface AttackName {
  method: string;
  rate: number;
}

/**
 * metrics/evaluate.json, the single run's headline: the attack and rate first, then the two accuracies, so
 * `dvc metrics show` and `dvc exp show` lead with them. Everything else (weighted scores, per-class scores)
 * stays in the details file, which is committed but not a DVC metric. attack_success_rate: see
 * stages/core/attacks/backdoor.ts.
 */
export function headlineMetrics(
  metrics: ReturnType<typeof evaluate>["metrics"],
  attack: AttackName,
  attackSuccessRate?: number | null,
) {
  return {
    poison_method: attack.method,
    poison_rate: attack.rate,
    accuracy: metrics.accuracy,
    accuracy_on_poisoned_test: metrics.accuracy_on_poisoned_test,
    // backdoor only (absent otherwise, so other runs' metrics stay as they were): stamped test rows obeying the trigger.
    ...(attackSuccessRate === undefined ? {} : { attack_success_rate: attackSuccessRate }),
    f1_macro: metrics.f1_macro,
    precision_macro: metrics.precision_macro,
    recall_macro: metrics.recall_macro,
    test_rows: metrics.test_rows,
    poison: metrics.poison,
  };
}

/**
 * Scores a model on the clean test split, and beside it on a poisoned copy of the test split: the latter is
 * what a protocol that poisons the whole data set before splitting reports (the original project's figures).
 */
export function evaluate(
  classifier: Classifier,
  schema: Schema,
  test: readonly Row[],
  poisonedTest: readonly Row[],
  poison: PoisonCounts,
) {
  const actual = test.map((row) => row.label);
  const predicted = predictLabels(
    classifier,
    test.map((row) => row.features),
  );
  const report = classificationReport(confusionMatrix(actual, predicted, schema.classes.length));
  const poisonedPredicted = predictLabels(
    classifier,
    poisonedTest.map((row) => row.features),
  );
  const metrics = {
    accuracy: report.accuracy,
    precision_macro: report.precision_macro,
    recall_macro: report.recall_macro,
    f1_macro: report.f1_macro,
    precision_weighted: report.precision_weighted,
    recall_weighted: report.recall_weighted,
    f1_weighted: report.f1_weighted,
    per_class: Object.fromEntries(report.per_class.map((scores, k) => [className(schema, k), scores])),
    test_rows: test.length,
    accuracy_on_poisoned_test: accuracy(
      poisonedTest.map((row) => row.label),
      poisonedPredicted,
    ),
    poisoned_test_rows: poisonedTest.length,
    poison: {
      train_rows_clean: poison.rows_in,
      train_rows: poison.rows_out,
      train_rows_poisoned: poison.rows_poisoned,
    },
  };
  // One row per sample, the shape of DVC's confusion template.
  const confusion = actual.map((label, i) => ({
    actual: className(schema, label),
    predicted: className(schema, predicted[i] as number),
  }));
  return { metrics, confusion };
}
