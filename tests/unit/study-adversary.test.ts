import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { triggerAt } from "../../stages/core/attacks/backdoor.ts";
import { seededForest } from "../../stages/core/classifier.ts";
import { StageError } from "../../stages/core/errors.ts";
import { studyParams } from "../../stages/core/params.ts";
import { rowsTable } from "../../stages/core/poison.ts";
import { adversarySection, bestK, reviewerSection } from "../../stages/core/report/adversary-section.ts";
import { runAdversary } from "../../stages/core/study/adversary.ts";
import { certifiedAccuracyPlot } from "../../stages/core/study/adversary-plot.ts";
import { type AdversaryResults, BACKDOOR_DEFENSES } from "../../stages/core/study/adversary-results.ts";
import { runDegradation } from "../../stages/core/study/degradation.ts";
import { parseAdversaryResults } from "../../stages/core/study/results-file.ts";
import { targetedPair } from "../../stages/core/study/targeted-pair.ts";
import { bundled } from "../support/bundled.ts";
import { IRIS } from "../support/iris.ts";

// A small forest keeps the study fast; it is the real engine, so a backdoor can be learnt.
const forest = {
  engine: "poisonlab-forest",
  n_estimators: 10,
  max_features: "sqrt",
  max_depth: null,
  min_samples_split: 2,
  min_samples_leaf: 1,
} as const;
const adversary = {
  repeats: 3,
  flip_rates: [0.1, 0.3],
  surrogate: { folds: 3, n_estimators: 5 },
  backdoor_rates: [0.01, 0.05],
  trigger_features: 3,
  trigger_beyond: [0, 0.5],
  certify_k: [5, 10],
  certify_radii: [1, 2],
};
const detector = { folds: 3, k: 10, outlier_k: 3, knn_threshold: 0.5 };
const spec = { seed: 5, test_size: 0.2, adversary, detector };
const irisStudy = runAdversary("iris", IRIS, spec, seededForest(forest, IRIS.schema));

describe("the adversary study", () => {
  it("gives random label_flip and clean accuracy exactly the study's cells, from the same seeds", () => {
    const study = runDegradation(
      IRIS,
      { seed: 5, repeats: 3, test_size: 0.2, methods: ["label_flip"], rates: [0, 0.1, 0.3] },
      seededForest(forest, IRIS.schema),
    );
    assert.deepEqual(irisStudy.clean_accuracy, study[0]?.accuracy);
    for (const rate of [0.1, 0.3]) {
      const cell = irisStudy.flips.find((c) => c.method === "label_flip" && c.rate === rate);
      assert.deepEqual(cell?.accuracy, study.find((c) => c.rate === rate)?.accuracy);
    }
  });

  it("measures every attack, rate, trigger position, defense, k and radius over every repeat", () => {
    assert.deepEqual(
      irisStudy.flips.map((cell) => `${cell.method} ${cell.rate} ${cell.accuracy.n}`),
      ["label_flip", "targeted_flip", "adversarial_flip"].flatMap((m) => [`${m} 0.1 3`, `${m} 0.3 3`]),
    );
    assert.equal(irisStudy.backdoors.length, 2 * 2 * BACKDOOR_DEFENSES.length);
    for (const cell of irisStudy.backdoors) {
      assert.equal(cell.attack_success_rate.n, 3);
      assert.equal(cell.recall === null, cell.defense === "none");
    }
    assert.deepEqual(
      irisStudy.certify.map((cell) => `${cell.k} ${cell.radius}`),
      ["5 0", "5 1", "5 2", "10 0", "10 1", "10 2"],
    );
    // Certified accuracy can only fall as the radius grows.
    for (const k of [5, 10]) {
      const means = irisStudy.certify.filter((c) => c.k === k).map((c) => c.certified_accuracy.mean);
      assert.deepEqual(
        [...means].sort((a, b) => b - a),
        means,
      );
    }
    assert.deepEqual([irisStudy.train_rows, irisStudy.test_rows, irisStudy.class_count], [120, 30, 3]);
  });

  it("is deterministic: the same spec gives the same results", () => {
    assert.deepEqual(runAdversary("iris", IRIS, spec, seededForest(forest, IRIS.schema)), irisStudy);
  });

  it("makes a targeted flip of 30 % of the rows cost more than a random one", () => {
    const drop = (method: string) => irisStudy.flips.find((c) => c.method === method && c.rate === 0.3)?.drop.mean;
    assert.ok(
      (drop("targeted_flip") ?? 0) > (drop("label_flip") ?? 1),
      `${drop("targeted_flip")} > ${drop("label_flip")}`,
    );
  });

  it("plants a backdoor at 5 % that succeeds while clean accuracy stays near clean", () => {
    const none = irisStudy.backdoors.find((c) => c.rate === 0.05 && c.beyond === 0 && c.defense === "none");
    assert.ok((none?.attack_success_rate.mean ?? 0) >= 0.8, `success ${none?.attack_success_rate.mean}`);
    assert.ok(Math.abs((none?.accuracy.mean ?? 0) - irisStudy.clean_accuracy.mean) <= 0.05);
  });

  it("lets the outlier detector find a lone out-of-range trigger row", () => {
    // 1 % of IRIS's 120 training rows is one row, half a feature range above every training value.
    const cell = irisStudy.backdoors.find((c) => c.rate === 0.01 && c.beyond === 0.5 && c.defense === "outlier");
    assert.equal(cell?.recall?.mean, 1);
  });

  it("targets the largest class with the next largest, and names the trigger's features", () => {
    const wine = bundled("wine");
    assert.deepEqual(targetedPair(wine), { source: 1, target: 0 }); // class_1 (71 rows), then class_0 (59)
    assert.deepEqual(irisStudy.targeted, { source: "setosa", target: "versicolor" }); // equal sizes: lower index
    assert.deepEqual(irisStudy.backdoor, {
      target: "setosa",
      features: ["sepal_width", "petal_length", "petal_width"],
    });
  });

  it("stops with the key and the value when a budget does not fit the data", () => {
    const run = (change: Partial<typeof adversary>) => () =>
      runAdversary(
        "iris",
        IRIS,
        { ...spec, adversary: { ...adversary, ...change } },
        seededForest(forest, IRIS.schema),
      );
    assert.throws(
      run({ flip_rates: [0.5] }),
      (error: unknown) =>
        error instanceof StageError &&
        /study\.adversary\.flip_rates = 0\.5: targeted_flip on iris needs 60 rows/.test(error.message),
    );
    assert.throws(
      run({ trigger_features: 5 }),
      (error: unknown) =>
        error instanceof StageError &&
        /study\.adversary\.trigger_features = 5: iris has only 4 numeric/.test(error.message),
    );
  });
});

describe("study.adversary params", () => {
  it("names the key and the value of a bad setting", () => {
    const bad = { ...adversary, certify_k: [1], trigger_beyond: [-0.5] };
    const result = studyParams.shape.adversary.safeParse(bad);
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues.map((issue) => issue.path.join(".")).sort(), [
      "certify_k.0",
      "trigger_beyond.0",
    ]);
  });
});

describe("the backdoor trigger's position", () => {
  it("is the quantile's value, moved `beyond` feature ranges up", () => {
    const table = rowsTable(IRIS.rows, 4);
    const inside = triggerAt(table, [2, 3], 1);
    assert.deepEqual(inside.values, [6.9, 2.5]); // petal length and width maxima
    const outside = triggerAt(table, [2, 3], 1, 0.5);
    assert.deepEqual(outside.values, [9.85, 3.7]); // 6.9 + 0.5 x (6.9 - 1), 2.5 + 0.5 x (2.5 - 0.1), rounded to 6 places
  });
});

describe("the adversary study's file and report", () => {
  const results: AdversaryResults = { repeats: 3, datasets: { iris: irisStudy } };
  const params = { datasets: ["iris"], adversary } as Parameters<typeof parseAdversaryResults>[2];

  it("reads back what it wrote, and refuses results of other params", () => {
    const text = JSON.parse(JSON.stringify(results));
    assert.deepEqual(parseAdversaryResults(text, "a.json", params), results);
    assert.throws(
      () => parseAdversaryResults(text, "a.json", { ...params, adversary: { ...adversary, repeats: 10 } }),
      (error: unknown) =>
        error instanceof StageError && /a\.json: iris's results .* re-run the adversary stage/.test(error.message),
    );
    assert.throws(
      () => parseAdversaryResults(text, "a.json", { ...params, adversary: { ...adversary, certify_k: [5, 20] } }),
      (error: unknown) => error instanceof StageError && /study\.adversary/.test(error.message),
    );
  });

  it("picks the k with the most certified accuracy over the radii", () => {
    const area = (k: number) =>
      irisStudy.certify.filter((c) => c.k === k && c.radius > 0).reduce((s, c) => s + c.certified_accuracy.mean, 0);
    const best = bestK(irisStudy);
    for (const k of adversary.certify_k) assert.ok(area(best) >= area(k));
  });

  it("writes every measured number into the section and the reviewer's checklist", () => {
    const section = adversarySection(results, "certified.svg");
    const targeted = irisStudy.flips.find((c) => c.method === "targeted_flip" && c.rate === 0.3);
    assert.ok(section.includes(`drop ${targeted?.drop.mean.toFixed(3)}`));
    assert.ok(section.includes("targeted_flip (setosa → versicolor)"));
    assert.ok(section.includes("![certified accuracy against radius, per data set and k](certified.svg)"));
    const reviewer = reviewerSection(results);
    const backdoor = irisStudy.backdoors.find((c) => c.rate === 0.05 && c.beyond === 0 && c.defense === "none");
    assert.ok(reviewer.includes(`iris ${backdoor?.attack_success_rate.mean.toFixed(3)} at 5 %`), reviewer);
    assert.ok(reviewer.includes(`iris at k = ${bestK(irisStudy)}`));
  });

  it("plots certified accuracy against the radius, one series per data set and k", () => {
    const plot = certifiedAccuracyPlot(results);
    assert.deepEqual([...new Set(plot.map((point) => point.series))], ["iris k=5", "iris k=10"]);
    assert.deepEqual(
      plot.filter((point) => point.series === "iris k=5").map((point) => point.radius),
      [0, 1, 2],
    );
  });
});
