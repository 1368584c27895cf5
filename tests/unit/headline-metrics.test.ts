import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Row } from "../../stages/core/dataset.ts";
import { evaluate, headlineMetrics } from "../../stages/core/evaluation.ts";
import type { Classifier } from "../../stages/core/model.ts";
import { defenseSummary } from "../../stages/core/study/defense-outputs.ts";
import type { DefenseCell } from "../../stages/core/study/defenses.ts";
import type { DegradationCell } from "../../stages/core/study/degradation.ts";
import { studySummary } from "../../stages/core/study/outputs.ts";
import type { StudyResults } from "../../stages/core/study/results.ts";
import { summarize } from "../../stages/core/study/statistics.ts";
import { IRIS_SCHEMA } from "../support/iris.ts";

// Predicts class 0 for every row: two of the three test rows below are class 0.
const alwaysSetosa: Classifier = { classCount: 3, probabilities: (features) => features.map(() => [1, 0, 0]) };
const row = (label: number): Row => ({ features: [1, 2, 3, 4], label });

describe("evaluate's headline metrics", () => {
  it("lead with the attack, the rate and the two accuracies, and leave per-class scores to the details", () => {
    const { metrics } = evaluate(alwaysSetosa, IRIS_SCHEMA, [row(0), row(0), row(1)], [row(0), row(1), row(1)], {
      rows_in: 120,
      rows_out: 120,
      rows_poisoned: 12,
    });
    const headline = headlineMetrics(metrics, { method: "label_flip", rate: 0.1 });
    assert.deepEqual(Object.keys(headline).slice(0, 4), [
      "poison_method",
      "poison_rate",
      "accuracy",
      "accuracy_on_poisoned_test",
    ]);
    assert.equal(headline.poison_method, "label_flip");
    assert.equal(headline.poison_rate, 0.1);
    assert.equal(headline.accuracy, 2 / 3);
    assert.equal(headline.accuracy_on_poisoned_test, 1 / 3);
    assert.equal(headline.poison.train_rows_poisoned, 12);
    assert.ok(!("per_class" in headline) && "per_class" in metrics);
    assert.ok(!("attack_success_rate" in headline), "only a backdoor has an attack success rate");
    const backdoor = headlineMetrics(metrics, { method: "backdoor", rate: 0.05 }, 0.75);
    assert.equal(Object.keys(backdoor)[4], "attack_success_rate");
    assert.equal(backdoor.attack_success_rate, 0.75);
  });
});

const cell = (method: string, rate: number, values: number[]) =>
  ({ method, rate, accuracy: summarize(values) }) as unknown as DegradationCell;

describe("the study's headline metrics", () => {
  it("give the clean accuracy and label_flip at 10 % and 50 %, when the study measured them", () => {
    const results = {
      degradation: [
        cell("label_flip", 0, [0.96, 0.94]),
        cell("label_flip", 0.1, [0.93, 0.91]),
        cell("label_flip", 0.5, [0.5, 0.6]),
        cell("inject", 0.5, [0.7, 0.7]),
      ],
    } as unknown as StudyResults;
    assert.deepEqual(studySummary(results), {
      clean_accuracy: 0.95,
      label_flip_10pct_accuracy: 0.92,
      label_flip_50pct_accuracy: 0.55,
    });
    const without50 = { degradation: results.degradation.slice(0, 2) } as unknown as StudyResults;
    assert.deepEqual(Object.keys(studySummary(without50)), ["clean_accuracy", "label_flip_10pct_accuracy"]);
  });

  it("name the best defense per headline rate and its gain over none", () => {
    const defense = (rate: number, name: string, accuracy: number) =>
      ({ method: "label_flip", rate, defense: name, accuracy: summarize([accuracy]) }) as unknown as DefenseCell;
    const cells = [
      defense(0.1, "none", 0.9),
      defense(0.1, "label", 0.95),
      defense(0.1, "knn", 0.95),
      defense(0.5, "none", 0.5),
      defense(0.5, "label", 0.4),
      { ...defense(0.5, "label", 0.99), method: "inject" } as DefenseCell,
    ];
    const summary = defenseSummary(cells);
    assert.equal(summary.label_flip_10pct_best_defense, "label", "a tie goes to the defense listed first");
    assert.ok(Math.abs((summary.label_flip_10pct_defense_gain as number) - 0.05) < 1e-12);
    assert.equal(summary.label_flip_50pct_best_defense, "none");
    assert.equal(summary.label_flip_50pct_defense_gain, 0);
  });
});
