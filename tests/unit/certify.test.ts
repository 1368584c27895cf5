import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attackOptions } from "../../stages/core/attacks/resolve-options.ts";
import { type Certified, certifiedAccuracy, certify } from "../../stages/core/certify/certificate.ts";
import { certifyMetrics, certifyPlot, certifySeries } from "../../stages/core/certify/certify-outputs.ts";
import { fewestParts } from "../../stages/core/certify/fewest-parts.ts";
import { rowsNear } from "../../stages/core/certify/near-insertion.ts";
import { firstChoiceVotes, type PartScores } from "../../stages/core/certify/part-scores.ts";
import { partOf } from "../../stages/core/certify/partition.ts";
import {
  type BaseModelSettings,
  certifiedPredictions,
  trainPartitions,
} from "../../stages/core/certify/partition-aggregation.ts";
import { runOff } from "../../stages/core/certify/run-off.ts";
import type { Dataset, Row } from "../../stages/core/dataset.ts";
import { AGGREGATIONS, certifyParams, parseSection } from "../../stages/core/params.ts";
import { poisonRows, rowsTable } from "../../stages/core/poison.ts";
import { createRng, deriveSeed, randomInt, sampleIndices } from "../../stages/core/rng.ts";
import { stratifiedSplit } from "../../stages/core/split.ts";
import { bundled } from "../support/bundled.ts";
import { everyConfiguration } from "../support/fewest-changes.ts";

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

describe("run-off (prediction and radius)", () => {
  const times = <T>(count: number, scores: T) => Array.from({ length: count }, () => scores);
  const plurality = (parts: PartScores) => certify(firstChoiceVotes(parts, 3));

  it("lets the parts voting for a third class decide the final", () => {
    // Round 1: 3 / 2 / 2 votes, so classes 0 and 1 meet; the two parts voting for 2 prefer 1 over 0.
    const parts = [...times(3, [3, 2, 0]), ...times(2, [1, 4, 0]), ...times(2, [0, 2, 3])];
    assert.deepEqual(runOff(parts, 3), { label: 1, radius: 0 });
    assert.deepEqual(plurality(parts), { label: 0, radius: 0 });
  });

  it("certifies a point plurality cannot when the final is won clearly", () => {
    // Round 1: 5 / 4 / 1, final 6 to 4: two parts must change to turn it, and class 2 is far from the final.
    const parts = [...times(5, [5, 0, 0]), ...times(4, [0, 3, 2]), [2, 0, 3]];
    assert.deepEqual(runOff(parts, 3), { label: 0, radius: 1 });
    assert.deepEqual(plurality(parts), { label: 0, radius: 0 });
  });

  it("abstains where a part scores both finalists alike, as an empty part does", () => {
    // Classes 1 and 0 meet; counted for the lower finalist, the part voting for 2 would make 0 tie and win.
    assert.deepEqual(runOff([[0, 1, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], null], 3), { label: 1, radius: 0 });
    assert.deepEqual(runOff([null, null], 3), { label: 0, radius: 0 });
  });

  // Each part's gains as "first,second", separated by spaces.
  const fewestCases: Array<[string, [number, number], number]> = [
    ["2,0 0,2 1,1", [1, 1], 1],
    ["2,0 0,2", [2, 2], 2],
    ["2,0 2,2", [2, 2], 1],
    ["2,0 2,0 1,2 1,2", [2, 4], 2], // the two 1,2 parts: starting with a 2,0 part takes three
    ["1,1", [2, 0], Number.POSITIVE_INFINITY],
    ["", [0, 0], 0],
  ];
  for (const [gains, need, expected] of fewestCases) {
    it(`needs ${expected} of the parts gaining ${gains || "nothing"} to meet ${need.join(" and ")}`, () => {
      const parts = gains === "" ? [] : gains.split(" ").map((pair) => pair.split(",").map(Number) as [number, number]);
      assert.equal(fewestParts(parts, need), expected);
    });
  }

  // The radius is exact with two or three classes: the fewest replaced parts that change the prediction, minus one.
  // Configurations: multisets of k parts over 3 (2 classes) or 13 (3 classes) weak orders and the empty part.
  for (const [classCount, largestK, count] of [
    [2, 8, 494],
    [3, 5, 11_627],
  ] as const) {
    it(`is exact for every configuration of up to ${largestK} parts over ${classCount} classes (brute force)`, () => {
      let configurations = 0;
      for (let k = 1; k <= largestK; k++) {
        for (const { parts, result, fewestChanges } of everyConfiguration(k, classCount, runOff)) {
          configurations++;
          assert.equal(result.radius, fewestChanges - 1, `parts ${JSON.stringify(parts)}`);
        }
      }
      assert.equal(configurations, count);
    });
  }

  it("is sound over four classes: never above the brute-force radius (every configuration of up to 2 parts)", () => {
    for (const k of [1, 2]) {
      for (const { parts, result, fewestChanges } of everyConfiguration(k, 4, runOff)) {
        assert.ok(result.radius <= fewestChanges - 1, `parts ${JSON.stringify(parts)}`);
      }
    }
  });

  it("equals plurality, prediction and radius, when every part is one tree (up to 8 parts, some empty)", () => {
    const oneTree = [[1, 0, 0], [0, 1, 0], [0, 0, 1], null];
    let configurations = 0;
    for (let k = 1; k <= 8; k++) {
      for (let a = 0; a <= k; a++) {
        for (let b = 0; a + b <= k; b++) {
          for (let c = 0; a + b + c <= k; c++) {
            const counts = [a, b, c, k - a - b - c];
            const parts = counts.flatMap((count, kind) => times(count, oneTree[kind] ?? null));
            configurations++;
            assert.deepEqual(runOff(parts, 3), plurality(parts), `parts ${JSON.stringify(parts)}`);
          }
        }
      }
    }
    assert.equal(configurations, 494);
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

// Single trees and small forests: with a forest, run-off's final depends on the share of trees, not one vote.
const SETTINGS: Setting[] = [
  { name: "iris", parts: 10, base: { trees: 1, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 1 } },
  { name: "iris", parts: 10, base: { trees: 5, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 4 } },
  { name: "wine", parts: 10, base: { trees: 3, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 2 } },
  {
    name: "breast_cancer",
    parts: 20,
    base: { trees: 1, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 3 },
  },
];

describe("partition aggregation's certificate holds under attack", () => {
  it("no test point certified at radius >= r changes its prediction when at most r training rows are poisoned, by plurality or run-off (1,400 trials)", (t) => {
    const names = Object.keys(POISONINGS);
    let trials = 0;
    const checked = { plurality: 0, run_off: 0 };
    const changedUncertified = { plurality: 0, run_off: 0 };
    for (const setting of SETTINGS) {
      const data = bundled(setting.name);
      const { train, test } = stratifiedSplit(data.rows, 0.2, createRng(deriveSeed(11, setting.name)));
      const features = test.map((row) => row.features);
      const classes = data.schema.classes.length;
      const ensemble = trainPartitions(train, classes, setting.parts, setting.base);
      const clean = AGGREGATIONS.map((aggregation) => certifiedPredictions(ensemble, features, aggregation));
      for (let trial = 0; trial < 350; trial++) {
        const name = names[trial % names.length] as string;
        const budget = 1 + (Math.floor(trial / names.length) % 5);
        const seed = deriveSeed(trial, setting.name);
        const poisoned = (POISONINGS[name] as Poisoning)(train, budget, seed, data, test);
        const attacked = trainPartitions(poisoned, classes, setting.parts, setting.base);
        trials++;
        AGGREGATIONS.forEach((aggregation, a) => {
          const after = certifiedPredictions(attacked, features, aggregation);
          (clean[a] as Certified[]).forEach((before, i) => {
            const label = (after[i] as Certified).label;
            if (before.radius >= budget) {
              checked[aggregation]++;
              const where = `${setting.name} (${setting.base.trees} trees) ${aggregation} ${name} budget ${budget} seed ${seed}`;
              assert.equal(label, before.label, `${where}: test point ${i}`);
            } else if (label !== before.label) {
              changedUncertified[aggregation]++;
            }
          });
        });
      }
    }
    t.diagnostic(
      `${trials} trials; certified predictions unchanged ${JSON.stringify(checked)}, uncertified changed ${JSON.stringify(changedUncertified)}`,
    );
    assert.equal(trials, 1400);
    for (const aggregation of AGGREGATIONS) {
      assert.ok(checked[aggregation] > 10_000, `${aggregation}: ${checked[aggregation]} certified points checked`);
      // The attacks have teeth: uncertified points do change, so an unchanged certified point means something.
      assert.ok(
        changedUncertified[aggregation] > 50,
        `${aggregation}: ${changedUncertified[aggregation]} uncertified predictions changed`,
      );
    }
  });
});

describe("the certificate is not vacuous", () => {
  for (const name of ["iris", "wine", "breast_cancer", "penguins"]) {
    it(`some test points of ${name} are certified at r >= 2 (k = 10, one tree per part), by plurality and run-off`, () => {
      const data = bundled(name);
      const { train, test } = stratifiedSplit(data.rows, 0.2, createRng(deriveSeed(11, name)));
      const base = { trees: 1, maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed: 1 };
      const ensemble = trainPartitions(train, data.schema.classes.length, 10, base);
      for (const aggregation of AGGREGATIONS) {
        const results = certifiedPredictions(
          ensemble,
          test.map((row) => row.features),
          aggregation,
        );
        const share = certifiedAccuracy(
          results,
          test.map((row) => row.label),
          2,
        );
        assert.ok(share > 0.5, `${name} ${aggregation}: certified accuracy at r = 2 is ${share}`);
      }
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

  it("names the plot's series by k and base model, and says run-off only when it is used", () => {
    assert.equal(certifySeries(10, 1, "plurality"), "k=10, one tree per part");
    assert.equal(certifySeries(20, 5, "run_off"), "k=20, 5 trees per part, run-off");
  });

  it("names the key and value of a bad certify param", () => {
    const bad = {
      certify: {
        k: 1,
        aggregation: "plurality",
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

  const valid = {
    k: 10,
    aggregation: "run_off",
    budgets: [1, 2],
    n_estimators: 1,
    max_features: null,
    max_depth: null,
    min_samples_leaf: 1,
    seed: 5,
  };
  it("reads both aggregations, and names certify.aggregation when it is anything else or missing", () => {
    for (const aggregation of AGGREGATIONS) {
      const params = parseSection({ certify: { ...valid, aggregation } }, "certify", certifyParams, "params.yaml");
      assert.equal(params.aggregation, aggregation);
    }
    const { aggregation: _, ...missing } = valid;
    for (const [certify, shown] of [
      [{ ...valid, aggregation: "borda" }, '"borda"'],
      [missing, "(missing)"],
    ] as const) {
      assert.throws(
        () => parseSection({ certify }, "certify", certifyParams, "params.yaml"),
        (error: unknown) =>
          error instanceof Error &&
          error.message.includes(
            `certify.aggregation = ${shown}: Invalid option: expected one of "plurality"|"run_off"`,
          ),
      );
    }
  });
});
