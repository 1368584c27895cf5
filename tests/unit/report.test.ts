import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cleanVersusPoisonedTest,
  degradationTable,
  expectedFlippedAccuracy,
  significanceReading,
  verdict,
} from "../../stages/core/report/degradation-section.ts";
import { percent, poisoningName, withInterval } from "../../stages/core/report/numbers.ts";
import { originalLevelsReading } from "../../stages/core/report/outcomes-section.ts";
import { compareWithTextbook, quantityTable } from "../../stages/core/report/quantity-section.ts";
import { replaceBlock } from "../../stages/core/report/readme-block.ts";
import { mainTable } from "../../stages/core/report/study-report.ts";
import type { DegradationCell } from "../../stages/core/study/degradation.ts";
import { type RowsNeededRow, rowsNeededTable, type StudyResults } from "../../stages/core/study/results.ts";
import type { Summary } from "../../stages/core/study/statistics.ts";

const summary = (mean: number, half = 0.01): Summary => ({ n: 30, mean, sd: 0.02, ci95: [mean - half, mean + half] });
const cell = (
  method: DegradationCell["method"],
  rate: number,
  accuracy: number,
  poisoned = accuracy - rate,
): DegradationCell => ({
  method,
  rate,
  accuracy: summary(accuracy),
  precision_macro: summary(accuracy),
  recall_macro: summary(accuracy),
  f1_macro: summary(accuracy),
  accuracy_on_poisoned_test: summary(poisoned, 0.02),
  accuracy_values: [accuracy],
});
const shape = { repeats: 30, train_rows: 120, test_rows: 30, class_count: 3 };
const cells = [cell("label_flip", 0, 0.95, 0.95), cell("label_flip", 0.05, 0.945), cell("label_flip", 0.5, 0.6, 0.39)];

describe("numbers", () => {
  it("format rates, intervals and run names", () => {
    assert.equal(percent(0.05), "5 %");
    assert.equal(percent(0.125), "12.5 %");
    assert.equal(withInterval(summary(0.9)), "0.900 [0.890, 0.910]");
    assert.equal(poisoningName("label_flip", 0.1), "label_flip-10pct");
  });
});

describe("degradation section", () => {
  it("calls a difference significant only when the intervals exclude each other", () => {
    const clean = cells[0] as DegradationCell;
    assert.equal(verdict(clean, clean), "baseline");
    assert.equal(verdict(cells[1] as DegradationCell, clean), "within noise");
    assert.equal(verdict(cells[2] as DegradationCell, clean), "significant drop");
    assert.equal(verdict(cell("label_flip", 0.1, 0.99), clean), "significant rise");
  });

  it("writes the original's columns with intervals and the verdict", () => {
    const table = degradationTable(cells, shape);
    assert.match(table, /^\| run \| data \| accuracy \[95 % CI\] \| precision \| recall \|/);
    assert.match(
      table,
      /\| label_flip-50pct \| 120 train rows, 60 labels flipped \| 0\.600 \[0\.590, 0\.610\] \|.*\| significant drop \|/,
    );
    assert.match(table, /\| label_flip-5pct \| 120 train rows, 6 labels flipped \|.*\| within noise \|/);
  });

  it("names the rates beyond the noise and those within it", () => {
    assert.equal(
      significanceReading(cells),
      "- **label_flip** (clean 0.950 [0.940, 0.960]): accuracy drops beyond the noise at 50 %; the difference is within the noise at 5 %.",
    );
  });

  it("computes the expected accuracy on flipped labels and says whether the data agree", () => {
    assert.ok(Math.abs(expectedFlippedAccuracy(0.6, 0.5, 3) - (0.3 + 0.1)) < 1e-12);
    const text = cleanVersusPoisonedTest(cells, shape);
    assert.match(
      text,
      /\| label_flip-50pct \| 0\.600 \[0\.590, 0\.610\] \| 0\.390 \[0\.370, 0\.410\] \| 0\.210 \| 0\.400 \|/,
    );
    // 5 %: expected 0.945 * 0.95 + 0.055 * 0.025 = 0.899, measured 0.895 +/- 0.02: inside. 50 %: 0.400 in [0.370, 0.410].
    assert.match(text, /inside the measured poisoned-test interval at 2 of 2 rates: the gap is explained/);
  });
});

describe("quantity section", () => {
  const points = (rate: number, means: number[]) =>
    [10, 100, 1000].map((rows, i) => ({ rate, rows, accuracy: summary(means[i] as number) }));
  const rows = rowsNeededTable(
    [...points(0, [0.8, 0.95, 0.97]), ...points(0.1, [0.7, 0.85, 0.95]), ...points(0.5, [0.4, 0.5, 0.6])],
    0.9,
    3,
  );

  it("derives rows needed, multipliers and their bounds", () => {
    const [clean, ten, fifty] = rows as [RowsNeededRow, RowsNeededRow, RowsNeededRow];
    assert.equal(clean.multiplier, 1);
    assert.equal(ten.multiplier_bound, "about");
    assert.ok(ten.multiplier > 1);
    assert.equal(fifty.needed.bound, "more_than");
    assert.equal(fifty.multiplier_bound, "at_least");
    assert.equal(fifty.textbook, 16);
  });

  it("compares with the textbook estimate by a stated factor", () => {
    const row = (
      multiplier: number,
      bound: RowsNeededRow["multiplier_bound"],
      textbook: number | null,
    ): RowsNeededRow => ({
      rate: 0.1,
      needed: { rows: 10, bound: "interpolated" },
      multiplier,
      multiplier_bound: bound,
      textbook,
    });
    assert.equal(compareWithTextbook(row(1.5, "about", 1.38)), "close to the textbook estimate");
    assert.equal(compareWithTextbook(row(3, "about", 1.38)), "more than the textbook estimate");
    assert.equal(compareWithTextbook(row(0.5, "about", 1.38)), "less than the textbook estimate");
    assert.equal(compareWithTextbook(row(30, "at_least", 16)), "more than the textbook estimate");
    assert.match(compareWithTextbook(row(10, "at_least", 16)), /does not settle/);
  });

  it("writes one row per rate with the textbook column", () => {
    const table = quantityTable({ synthetic: rows });
    assert.match(table, /\| 50 % \| 16\.00x \| > 1000 \| ≥ /);
    assert.match(table, /\| 0 % \| 1\.00x \| ≈ /);
  });
});

describe("README block", () => {
  it("replaces only the text between the markers", () => {
    const document = "intro\n<!-- t:start -->\nold\n<!-- t:end -->\noutro\n";
    assert.equal(
      replaceBlock(document, "t", "new table", "README.md"),
      "intro\n<!-- t:start -->\nnew table\n<!-- t:end -->\noutro\n",
    );
  });
  it("names the file when the markers are missing", () => {
    assert.throws(() => replaceBlock("no markers", "t", "x", "README.md"), /README\.md: the markers/);
  });
  it("the main table holds the label_flip rows only", () => {
    const results = { degradation: [...cells, cell("inject", 0.5, 0.9)] } as unknown as StudyResults;
    const table = mainTable(results);
    assert.equal(table.split("\n").length, 2 + 3);
    assert.doesNotMatch(table, /inject/);
  });
});

describe("the original's levels", () => {
  it("explain each level present with its own numbers and a verdict chosen by the intervals", () => {
    const text = originalLevelsReading(cells, shape);
    assert.equal(text.split("\n").length, 2, "5 % and 50 % are in the cells, 10 % is not");
    assert.match(
      text,
      /^- \*\*5 %\*\* \(6 of 120 training labels flipped\): clean-test accuracy 0\.945 .*within the noise/,
    );
    assert.match(text, /\*\*50 %\*\* \(60 of 120 training labels flipped\).*a significant drop/);
    assert.match(text, /expected to get 0\.400 there, because about 15\.0 of the 30 answers in the key are wrong/);
  });
});
