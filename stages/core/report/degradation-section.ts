import type { RandomAttack } from "../poison.ts";
import { poisonCount } from "../poison.ts";
import type { DegradationCell } from "../study/degradation.ts";
import { intervalsExclude } from "../study/statistics.ts";
import { fixed, markdownTable, percent, poisoningName, withInterval } from "./numbers.ts";

export interface StudyShape {
  repeats: number;
  train_rows: number;
  test_rows: number;
  class_count: number;
}

/** Compared with the clean cell of its method: the only place the report decides "significant". */
export type Verdict = "baseline" | "significant drop" | "significant rise" | "within noise";

export function verdict(cell: DegradationCell, clean: DegradationCell): Verdict {
  if (cell.rate === 0) return "baseline";
  if (!intervalsExclude(cell.accuracy, clean.accuracy)) return "within noise";
  return cell.accuracy.mean < clean.accuracy.mean ? "significant drop" : "significant rise";
}

export function cleanCellOf(cells: readonly DegradationCell[], method: RandomAttack): DegradationCell {
  const clean = cells.find((cell) => cell.method === method && cell.rate === 0);
  if (!clean) throw new Error(`study results have no rate-0 cell for ${method}`);
  return clean;
}

/** What each attack did to the training rows, in words; an attack missing here is a type error. */
const poisonedDataLabel: Record<RandomAttack, (trainRows: number, count: number) => string> = {
  label_flip: (trainRows, count) => `${trainRows} train rows, ${count} labels flipped`,
  feature_noise: (trainRows, count) => `${trainRows} train rows, ${count} with random features`,
  inject: (trainRows, count) => `${trainRows} train rows + ${count} injected`,
};

function dataLabel(method: RandomAttack, rate: number, trainRows: number): string {
  const count = poisonCount(trainRows, rate);
  return count === 0 ? `${trainRows} clean train rows` : poisonedDataLabel[method](trainRows, count);
}

/** The degradation table in the original project's format (run, data, accuracy, precision, recall), with intervals. */
export function degradationTable(cells: readonly DegradationCell[], shape: StudyShape): string {
  const rows = cells.map((cell) => [
    poisoningName(cell.method, cell.rate),
    dataLabel(cell.method, cell.rate, shape.train_rows),
    withInterval(cell.accuracy),
    fixed(cell.precision_macro.mean),
    fixed(cell.recall_macro.mean),
    fixed(cell.f1_macro.mean),
    fixed(cell.accuracy_on_poisoned_test.mean),
    verdict(cell, cleanCellOf(cells, cell.method)),
  ]);
  return markdownTable(
    ["run", "data", "accuracy [95 % CI]", "precision", "recall", "F1", "accuracy on poisoned test", "vs clean"],
    rows,
  );
}

/** One sentence per method: at which rates the drop is beyond the noise, and at which it is not. */
export function significanceReading(cells: readonly DegradationCell[]): string {
  const methods = [...new Set(cells.map((cell) => cell.method))];
  return methods
    .map((method) => {
      const clean = cleanCellOf(cells, method);
      const attacked = cells.filter((cell) => cell.method === method && cell.rate > 0);
      const byVerdict = (wanted: Verdict) =>
        attacked.filter((cell) => verdict(cell, clean) === wanted).map((cell) => percent(cell.rate));
      const parts = [
        [byVerdict("significant drop"), "accuracy drops beyond the noise at"],
        [byVerdict("significant rise"), "accuracy rises beyond the noise at"],
        [byVerdict("within noise"), "the difference is within the noise at"],
      ] as const;
      const said = parts.filter(([rates]) => rates.length > 0).map(([rates, words]) => `${words} ${rates.join(", ")}`);
      return `- **${method}** (clean ${withInterval(clean.accuracy)}): ${said.join("; ")}.`;
    })
    .join("\n");
}

/**
 * Expected accuracy on flipped test labels of a model with clean accuracy a: right answers survive a flip with
 * probability 1 - eta, and a wrong answer matches the flipped label with probability eta / (K - 1).
 */
export function expectedFlippedAccuracy(cleanAccuracy: number, rate: number, classCount: number): number {
  return cleanAccuracy * (1 - rate) + ((1 - cleanAccuracy) * rate) / (classCount - 1);
}

/** Clean-test against poisoned-test accuracy, with the expectation for label_flip and whether the data agree. */
export function cleanVersusPoisonedTest(cells: readonly DegradationCell[], shape: StudyShape): string {
  const attacked = cells.filter((cell) => cell.rate > 0);
  const rows = attacked.map((cell) => {
    const expected =
      cell.method === "label_flip" ? expectedFlippedAccuracy(cell.accuracy.mean, cell.rate, shape.class_count) : null;
    return [
      poisoningName(cell.method, cell.rate),
      withInterval(cell.accuracy),
      withInterval(cell.accuracy_on_poisoned_test),
      fixed(cell.accuracy.mean - cell.accuracy_on_poisoned_test.mean),
      expected === null ? "" : fixed(expected),
    ];
  });
  const flips = attacked.filter((cell) => cell.method === "label_flip");
  const agreeing = flips.filter((cell) => {
    const expected = expectedFlippedAccuracy(cell.accuracy.mean, cell.rate, shape.class_count);
    return expected >= cell.accuracy_on_poisoned_test.ci95[0] && expected <= cell.accuracy_on_poisoned_test.ci95[1];
  });
  const table = markdownTable(
    ["run", "clean-test accuracy", "poisoned-test accuracy", "gap", "expected on flipped labels"],
    rows,
  );
  const agreement =
    flips.length === 0
      ? ""
      : `\n\nFor label_flip the expectation lies inside the measured poisoned-test interval at ${agreeing.length} of ${flips.length} rates` +
        (agreeing.length === flips.length
          ? ": the gap is explained by the wrong answers in the key, not by anything else."
          : ": where it does not, the forest's errors are not spread evenly over the classes.");
  return `${table}${agreement}`;
}
