import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { dataChoice, rawFile } from "../../stages/core/data-source.ts";
import { StageError } from "../../stages/core/errors.ts";
import { studyParams } from "../../stages/core/params.ts";
import { loadDataset } from "../../stages/core/raw-table.ts";
import { acrossSection, acrossSummaryTable } from "../../stages/core/report/across-section.ts";
import {
  ACROSS_DEFENSES,
  type AcrossDefenses,
  type AcrossResults,
  bestDefense,
  runAcrossDefenses,
  runAcrossDegradation,
} from "../../stages/core/study/across.ts";
import type { DefenseCell } from "../../stages/core/study/defenses.ts";
import { runDegradation } from "../../stages/core/study/degradation.ts";
import { degradationAcrossPlot } from "../../stages/core/study/outputs.ts";
import { parseAcrossDefenses, parseAcrossResults } from "../../stages/core/study/results-file.ts";
import type { Summary } from "../../stages/core/study/statistics.ts";
import { IRIS } from "../support/iris.ts";
import { nearestCentroid } from "../support/nearest-centroid.ts";
import { PROJECT_ROOT } from "../support/temp-repo.ts";

const train = (rows: Parameters<typeof nearestCentroid>[0]) => nearestCentroid(rows);
const WINE = loadDataset(
  readFileSync(`${PROJECT_ROOT}/${rawFile("wine")}`, "utf8"),
  rawFile("wine"),
  dataChoice({ source: "wine" }),
);
const spec = {
  seed: 5,
  repeats: 4,
  test_size: 0.2,
  across: { rates: [0, 0.1, 0.5], defense_rates: [0.1, 0.5], defense_repeats: 3 },
};
const detector = { folds: 3, k: 5, outlier_k: 3, knn_threshold: 0.5 };

describe("the study across data sets", () => {
  it("gives IRIS the same label_flip cells as the full study, from the same seeds", () => {
    const across = runAcrossDegradation(IRIS, spec, train);
    const full = runDegradation(
      IRIS,
      { ...spec, methods: ["label_flip", "inject"], rates: [0, 0.05, 0.1, 0.5] },
      train,
    ).filter((cell) => cell.method === "label_flip" && spec.across.rates.includes(cell.rate));
    assert.deepEqual(across.degradation, full);
    assert.deepEqual([across.train_rows, across.test_rows, across.class_count], [120, 30, 3]);
  });

  it("splits each data set by its own size and classes", () => {
    const wine = runAcrossDegradation(WINE, spec, train);
    assert.equal(wine.train_rows + wine.test_rows, WINE.rows.length);
    assert.equal(wine.class_count, 3);
    assert.deepEqual(
      wine.degradation.map((cell) => [cell.method, cell.rate, cell.accuracy.n]),
      [
        ["label_flip", 0, 4],
        ["label_flip", 0.1, 4],
        ["label_flip", 0.5, 4],
      ],
    );
    // Flipping half the labels must cost accuracy against the clean cell.
    const [clean, , half] = wine.degradation;
    assert.ok((half?.accuracy.mean ?? 1) < (clean?.accuracy.mean ?? 0));
  });

  it("runs the defenses but label + regularised against label_flip at the defense rates, defense_repeats each", () => {
    const cells = runAcrossDefenses(IRIS, { ...spec, detector }, { plain: train, regularised: train });
    assert.equal(cells.length, ACROSS_DEFENSES.length * 2);
    assert.ok(!cells.some((cell) => cell.defense === "label + regularised"));
    assert.ok(cells.every((cell) => cell.method === "label_flip" && cell.accuracy.n === 3));
  });
});

const summary = (mean: number, half = 0.01): Summary => ({ n: 3, mean, sd: 0.01, ci95: [mean - half, mean + half] });
const defenseCell = (defense: string, rate: number, mean: number, half = 0.01): DefenseCell => ({
  method: "label_flip",
  rate,
  defense,
  precision: null,
  recall: null,
  f1: null,
  auroc: null,
  removed: null,
  accuracy: summary(mean, half),
});

describe("bestDefense", () => {
  it("takes the highest mean at the rate, the first listed on a tie, null when nothing was measured", () => {
    const cells = [
      defenseCell("none", 0.1, 0.9),
      defenseCell("label", 0.1, 0.95),
      defenseCell("knn", 0.1, 0.95),
      defenseCell("none", 0.5, 0.6),
    ];
    assert.equal(bestDefense(cells, 0.1)?.defense, "label");
    assert.equal(bestDefense(cells, 0.5)?.defense, "none");
    assert.equal(bestDefense(cells, 0.3), null);
  });
});

const degradationCell = (rate: number, mean: number) => ({
  method: "label_flip" as const,
  rate,
  accuracy: summary(mean),
  precision_macro: summary(mean),
  recall_macro: summary(mean),
  f1_macro: summary(mean),
  accuracy_on_poisoned_test: summary(mean),
  accuracy_values: [mean, mean, mean],
});
const across: AcrossResults = {
  repeats: 3,
  datasets: {
    iris: {
      train_rows: 120,
      test_rows: 30,
      class_count: 3,
      degradation: [degradationCell(0, 0.95), degradationCell(0.5, 0.6)],
    },
    wine: {
      train_rows: 142,
      test_rows: 36,
      class_count: 3,
      degradation: [degradationCell(0, 0.97), degradationCell(0.5, 0.7)],
    },
  },
};
const defenses: AcrossDefenses = {
  repeats: 3,
  datasets: {
    iris: [defenseCell("none", 0.5, 0.6), defenseCell("label", 0.5, 0.8)],
    wine: [defenseCell("none", 0.5, 0.7, 0.1), defenseCell("knn", 0.5, 0.72, 0.1)],
  },
};

describe("the report across data sets", () => {
  it("has one summary row per data set with intervals and the best defense, significant only beyond the noise", () => {
    const table = acrossSummaryTable(across, defenses, [0.5]).split("\n");
    assert.equal(
      table[0],
      "| data set | train / test rows | classes | 0 % flipped | 50 % flipped | best defense at 50 % |",
    );
    assert.equal(
      table[2],
      "| iris | 120 / 30 | 3 | 0.950 [0.940, 0.960] | 0.600 [0.590, 0.610] | label: 0.800 [0.790, 0.810], +0.200 over none (significant) |",
    );
    assert.match(
      table[3] ?? "",
      /\| wine \| 142 \/ 36 \| 3 \|.*knn: 0\.720 .* \+0\.020 over none \(within noise\) \|$/,
    );
  });

  it("names the chart and has a degradation table per data set", () => {
    const section = acrossSection(across, defenses, [0.5], "degradation-datasets.svg");
    assert.match(section, /!\[[^\]]*\]\(degradation-datasets\.svg\)/);
    assert.match(section, /#### iris\n\n120 train \/ 30 test rows/);
    assert.match(section, /#### wine\n\n142 train \/ 36 test rows/);
  });

  it("plots one series per data set", () => {
    const points = degradationAcrossPlot(across);
    assert.deepEqual(
      points.map((point) => [point.series, point.poison_rate_pct]),
      [
        ["iris", 0],
        ["iris", 50],
        ["wine", 0],
        ["wine", 50],
      ],
    );
  });
});

describe("the results files across data sets", () => {
  const params = studyParams.parse({
    seed: 1,
    repeats: 3,
    test_size: 0.2,
    methods: ["label_flip"],
    rates: [0, 0.5],
    forest: {
      engine: "poisonlab-forest",
      n_estimators: 10,
      max_features: "sqrt",
      max_depth: null,
      min_samples_split: 2,
      min_samples_leaf: 1,
    },
    curves: {
      repeats: 2,
      rates: [0, 0.5],
      iris_sizes: [12, 24],
      synthetic_sizes: [10, 20],
      synthetic_test_rows: 100,
      target_accuracy: 0.9,
    },
    defenses: { rates: [0.5], regularised_min_samples_leaf: 5 },
    datasets: ["iris", "wine"],
    across: { rates: [0, 0.5], defense_rates: [0.5], defense_repeats: 3 },
    adversary: {
      repeats: 3,
      flip_rates: [0.1],
      surrogate: { folds: 2, n_estimators: 5 },
      backdoor_rates: [0.05],
      trigger_features: 2,
      trigger_beyond: [0],
      certify_k: [5],
      certify_radii: [1],
    },
  });

  it("reads back what the stages wrote", () => {
    assert.deepEqual(parseAcrossResults(JSON.parse(JSON.stringify(across)), "f.json", params), across);
    assert.deepEqual(parseAcrossDefenses(JSON.parse(JSON.stringify(defenses)), "g.json", params), defenses);
  });

  it("refuses a file whose data sets or rates are not the params'", () => {
    assert.throws(
      () => parseAcrossResults(across, "f.json", { ...params, datasets: ["iris", "wine", "breast_cancer"] }),
      (error: unknown) =>
        error instanceof StageError &&
        /f\.json: data sets \[iris, wine\], but study\.datasets is \[iris, wine, breast_cancer\]/.test(error.message),
    );
    assert.throws(
      () => parseAcrossResults(across, "f.json", { ...params, across: { ...params.across, rates: [0, 0.1, 0.5] } }),
      (error: unknown) => error instanceof StageError && /iris has rates \[0, 0\.5\]/.test(error.message),
    );
    assert.throws(
      () => parseAcrossDefenses(defenses, "g.json", { ...params, across: { ...params.across, defense_repeats: 30 } }),
      (error: unknown) => error instanceof StageError && /defense_repeats = 30/.test(error.message),
    );
  });

  it("accepts only bundled, distinct data sets in study.datasets", () => {
    const valid = (datasets: string[]) => studyParams.shape.datasets.safeParse(datasets).success;
    assert.equal(valid(["iris", "wine"]), true);
    assert.equal(valid(["iris", "my_data"]), false);
    assert.equal(valid(["iris", "iris"]), false);
    assert.equal(valid([]), false);
  });
});
