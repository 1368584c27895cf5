import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attackOptions } from "../../stages/core/attacks/resolve-options.ts";
import { type Certified, certifiedAccuracy, certify } from "../../stages/core/certify/certificate.ts";
import { certifyMetrics, certifyPlot } from "../../stages/core/certify/certify-outputs.ts";
import { rowsNear } from "../../stages/core/certify/near-insertion.ts";
import { partOf } from "../../stages/core/certify/partition.ts";
import {
  type BaseModelSettings,
  certifiedPredictions,
  trainPartitions,
} from "../../stages/core/certify/partition-aggregation.ts";
import type { Dataset, Row } from "../../stages/core/dataset.ts";
import { certifyParams, parseSection } from "../../stages/core/params.ts";
import { poisonRows, rowsTable } from "../../stages/core/poison.ts";
import { createRng, deriveSeed, randomInt, sampleIndices } from "../../stages/core/rng.ts";
import { stratifiedSplit } from "../../stages/core/split.ts";
import { bundled } from "../support/bundled.ts";

describe("certify (the radius formula)", () => {
  const cases: Array<[number[], Certified]> = [
    [[6, 4, 0], { label: 0, radius: 1 }], // gap 2: one changed part leaves 5-5, the tie still goes to class 0
    [[4, 6, 0], { label: 1, radius: 0 }], // gap 2 with class 0 below: 5-5 would go to class 0
    [[5, 5, 0], { label: 0, radius: 0 }],
    [[10, 0, 0], { label: 0, radius: 5 }],
    [[0, 0, 10], { label: 2, radius: 4 }], // 5-5 after five changes would go to the lower class
    [[3, 3, 4], { label: 2, radius: 0 }],
    [[0, 0, 0], { label: 0, radius: 0 }], // every part abstains
  ];
  for (const [votes, expected] of cases) {
    it(`votes ${votes.join("/")} give ${expected.label} at radius ${expected.radius}`, () => {
      assert.deepEqual(certify(votes), expected);
    });
  }

  it("is the largest r such that any r changed votes keep the prediction (exhaustive over small vote counts)", () => {
    // Changing r parts moves at most r votes away from top and r votes onto one rival: check by brute force.
    for (let a = 0; a <= 6; a++) {
      for (let b = 0; b <= 6 - a; b++) {
        const votes = [a, b, 6 - a - b];
        const { label, radius } = certify(votes);
        const survives = (r: number) =>
          votes.every((count, c) => {
            if (c === label) return true;
            const top = (votes[label] as number) - r;
            const rival = count + r;
            return top > rival || (top === rival && label < c);
          });
        assert.ok(survives(radius), `${votes} survives ${radius}`);
        assert.ok(!survives(radius + 1), `${votes} does not survive ${radius + 1}`);
      }
    }
  });

  it("certified accuracy counts correct points certified at >= r", () => {
    const results = [
      { label: 0, radius: 3 },
      { label: 1, radius: 1 },
      { label: 2, radius: 5 },
    ];
    assert.deepEqual(
      [0, 1, 2, 5].map((r) => certifiedAccuracy(results, [0, 1, 0], r)),
      [2 / 3, 2 / 3, 1 / 3, 0],
    );
  });

  it("puts a row in a part by its features only", () => {
    assert.equal(partOf([5.1, 3.5, 1.4, 0.2], 10), partOf([5.1, 3.5, 1.4, 0.2], 10));
    const parts = new Set(Array.from({ length: 200 }, (_, i) => partOf([i / 10, 1], 10)));
    assert.equal(parts.size, 10);
  });
});

/** How a trial poisons the training rows; `cost` is the budget it spends (a feature modification counts 2). */
type Poisoning = (train: readonly Row[], budget: number, seed: number, data: Dataset, test: readonly Row[]) => Row[];

/**
 * A poison-stage attack at `budget` rows. Flips keep the features, so a flipped row stays in its part (cost 1);
 * backdoor rewrites features as well, so a stamped row may move to another part (cost 2: floor(budget / 2) rows).
 */
const byAttack = (method: "label_flip" | "targeted_flip" | "adversarial_flip" | "backdoor"): Poisoning => {
  return (train, cost, seed, data) => {
    const budget = method === "backdoor" ? Math.floor(cost / 2) : cost;
    const rng = createRng(deriveSeed(seed, "classes"));
    const source = randomInt(rng, data.schema.classes.length);
    const target = (source + 1 + randomInt(rng, data.schema.classes.length - 1)) % data.schema.classes.length;
    const params = {
      method,
      rate: budget / train.length,
      seed,
      targeted: { source: data.schema.classes[source] as string, target: data.schema.classes[target] as string },
      adversarial: { folds: 3, n_estimators: 3 },
      backdoor: { target: data.schema.classes[target] as string, features: 2, quantile: 0.95 },
    };
    const options = attackOptions(params, data.schema, rowsTable(train, data.schema.features.length));
    return poisonRows(train, { method, rate: params.rate, options }, createRng(seed), data.schema).rows;
  };
};

/** Rows inserted right beside one test point, labelled with another class: the attack most likely to flip votes. */
const insertNear: Poisoning = (train, budget, seed, data, test) => {
  const rng = createRng(deriveSeed(seed, "near"));
  const victim = test[randomInt(rng, test.length)] as Row;
  const label = (victim.label + 1 + randomInt(rng, data.schema.classes.length - 1)) % data.schema.classes.length;
  return [...train, ...rowsNear(victim.features, label, budget)];
};

const deleteRows: Poisoning = (train, budget, seed) => {
  const gone = new Set(sampleIndices(createRng(deriveSeed(seed, "delete")), train.length, budget));
  return train.filter((_, index) => !gone.has(index));
};

/** floor(budget / 2) rows get new features (each may leave its part and join another: two changed parts). */
const modifyRows: Poisoning = (train, budget, seed, data) => {
  const rng = createRng(deriveSeed(seed, "modify"));
  const other = train[randomInt(rng, train.length)] as Row;
  const chosen = new Set(sampleIndices(rng, train.length, Math.floor(budget / 2)));
  void data;
  return train.map((row, index) => (chosen.has(index) ? { features: [...other.features], label: row.label } : row));
};

const POISONINGS: Record<string, Poisoning> = {
  random_flip: byAttack("label_flip"),
  targeted_flip: byAttack("targeted_flip"),
  adversarial_flip: byAttack("adversarial_flip"),
  backdoor: byAttack("backdoor"),
  insert_near: insertNear,
  delete: deleteRows,
  modify: modifyRows,
};

interface Setting {
  name: string;
  parts: number;
  base: BaseModelSettings;
}

const SETTINGS: Setting[] = [
  { name: "iris", parts: 10, base: { trees: 1, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 1 } },
  { name: "wine", parts: 10, base: { trees: 3, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 2 } },
  {
    name: "breast_cancer",
    parts: 20,
    base: { trees: 1, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 3 },
  },
];

describe("partition aggregation's certificate holds under attack", () => {
  it("no test point certified at radius >= r changes its prediction when at most r training rows are poisoned (1,050 trials)", (t) => {
    const names = Object.keys(POISONINGS);
    let trials = 0;
    let checked = 0;
    let changedUncertified = 0;
    for (const setting of SETTINGS) {
      const data = bundled(setting.name);
      const { train, test } = stratifiedSplit(data.rows, 0.2, createRng(deriveSeed(11, setting.name)));
      const features = test.map((row) => row.features);
      const classes = data.schema.classes.length;
      const clean = certifiedPredictions(trainPartitions(train, classes, setting.parts, setting.base), features);
      for (let trial = 0; trial < 350; trial++) {
        const name = names[trial % names.length] as string;
        const budget = 1 + (Math.floor(trial / names.length) % 5);
        const seed = deriveSeed(trial, setting.name);
        const poisoned = (POISONINGS[name] as Poisoning)(train, budget, seed, data, test);
        const after = certifiedPredictions(trainPartitions(poisoned, classes, setting.parts, setting.base), features);
        trials++;
        clean.forEach((before, i) => {
          const label = (after[i] as Certified).label;
          if (before.radius >= budget) {
            checked++;
            assert.equal(label, before.label, `${setting.name} ${name} budget ${budget} seed ${seed}: test point ${i}`);
          } else if (label !== before.label) {
            changedUncertified++;
          }
        });
      }
    }
    t.diagnostic(
      `${trials} trials, ${checked} certified predictions unchanged, ${changedUncertified} uncertified changed`,
    );
    assert.equal(trials, 1050);
    assert.ok(checked > 10_000, `${checked} certified points checked`);
    // The attacks have teeth: uncertified points do change, so an unchanged certified point means something.
    assert.ok(changedUncertified > 50, `${changedUncertified} uncertified predictions changed`);
  });
});

describe("the certificate is not vacuous", () => {
  for (const name of ["iris", "wine", "breast_cancer", "penguins"]) {
    it(`some test points of ${name} are certified at r >= 2 (k = 10, one tree per part)`, () => {
      const data = bundled(name);
      const { train, test } = stratifiedSplit(data.rows, 0.2, createRng(deriveSeed(11, name)));
      const base = { trees: 1, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 1 };
      const ensemble = trainPartitions(train, data.schema.classes.length, 10, base);
      const results = certifiedPredictions(
        ensemble,
        test.map((row) => row.features),
      );
      const share = certifiedAccuracy(
        results,
        test.map((row) => row.label),
        2,
      );
      assert.ok(share > 0.5, `${name}: certified accuracy at r = 2 is ${share}`);
    });
  }
});

describe("the certify stage's outputs and params", () => {
  const results = [
    { label: 0, radius: 3 },
    { label: 1, radius: 1 },
    { label: 2, radius: 0 },
  ];
  it("writes accuracy and one flat key per budget, in budget order, and a curve from r = 0 to the largest", () => {
    const metrics = certifyMetrics(results, [0, 1, 2], [3, 1]);
    assert.deepEqual(metrics, { accuracy: 1, certified_accuracy_r1: 0.666667, certified_accuracy_r3: 0.333333 });
    const plot = certifyPlot(results, [0, 1, 2], [3, 1], "k=10");
    assert.deepEqual(
      plot.map((point) => [point.radius, point.certified_accuracy]),
      [
        [0, 1],
        [1, 0.666667],
        [2, 0.333333],
        [3, 0.333333],
      ],
    );
  });

  it("names the key and value of a bad certify param", () => {
    const bad = {
      certify: {
        k: 1,
        budgets: [1, 1],
        n_estimators: 1,
        max_features: null,
        max_depth: null,
        min_samples_leaf: 1,
        seed: 5,
      },
    };
    assert.throws(
      () => parseSection(bad, "certify", certifyParams, "params.yaml"),
      (error: unknown) =>
        error instanceof Error &&
        /certify\.k = 1: Too small/.test(error.message) &&
        /certify\.budgets = \[1,1\]: names a budget twice/.test(error.message),
    );
  });
});
