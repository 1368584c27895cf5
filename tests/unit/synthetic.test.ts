import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Row, Schema } from "../../stages/core/dataset.ts";
import { createRng } from "../../stages/core/rng.ts";
import {
  choleskyFactor,
  classSizes,
  fitClassGaussians,
  fitSynthetic,
  syntheticTables,
} from "../../stages/core/synthetic.ts";
import { IRIS } from "../support/iris.ts";

const iris = IRIS.rows;

function meanOf(rows: readonly Row[], label: number): number[] {
  const members = rows.filter((row) => row.label === label);
  return [0, 1, 2, 3].map((f) => members.reduce((sum, row) => sum + row.features[f]!, 0) / members.length);
}

function covarianceOf(rows: readonly Row[], label: number, i: number, j: number): number {
  const members = rows.filter((row) => row.label === label);
  const mean = meanOf(rows, label);
  return (
    members.reduce((sum, row) => sum + (row.features[i]! - mean[i]!) * (row.features[j]! - mean[j]!), 0) /
    (members.length - 1)
  );
}

describe("synthetic IRIS-like data", () => {
  it("factors a covariance: L times its transpose gives it back", () => {
    const matrix = [
      [4, 2, 0.4],
      [2, 5, 1],
      [0.4, 1, 3],
    ];
    const factor = choleskyFactor(matrix);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const product = [0, 1, 2].reduce((sum, k) => sum + factor[i]![k]! * factor[j]![k]!, 0);
        assert.ok(Math.abs(product - matrix[i]![j]!) < 1e-12);
      }
      for (let j = i + 1; j < 3; j++) assert.equal(factor[i]![j], 0, "lower triangular");
    }
  });

  it("fits each class's mean from the raw rows", () => {
    const gaussians = fitClassGaussians(IRIS).classes;
    for (const label of [0, 1, 2]) {
      for (const [f, value] of gaussians[label]!.mean.entries())
        assert.ok(Math.abs(value - meanOf(iris, label)[f]!) < 1e-12);
    }
  });

  const sample = fitSynthetic(IRIS)(30_000, createRng(1));

  it("samples rows whose class means and covariances are IRIS's", () => {
    for (const label of [0, 1, 2]) {
      for (const [f, value] of meanOf(sample, label).entries()) {
        assert.ok(Math.abs(value - meanOf(iris, label)[f]!) < 0.02, `class ${label} feature ${f}`);
      }
      for (const [i, j] of [
        [0, 0],
        [2, 3],
        [0, 1],
        [3, 3],
      ] as const) {
        const want = covarianceOf(iris, label, i, j);
        // Redrawing the ~1 % of setosa rows with a negative petal width shrinks its variance a little.
        assert.ok(
          Math.abs(covarianceOf(sample, label, i, j) - want) < 0.1 * Math.abs(want) + 0.002,
          `class ${label} cov(${i},${j})`,
        );
      }
    }
  });

  it("takes the classes in turn, so every prefix is balanced, with positive 6-decimal values", () => {
    for (const [i, row] of sample.slice(0, 9).entries()) assert.equal(row.label, i % 3);
    for (const row of sample) {
      for (const value of row.features) {
        assert.ok(value > 0);
        assert.equal(value, Number(value.toFixed(6)));
      }
    }
  });

  it("is the same for the same seed and different for another", () => {
    const sampler = fitSynthetic(IRIS);
    assert.deepEqual(sampler(50, createRng(7)), sampler(50, createRng(7)));
    assert.notDeepEqual(sampler(50, createRng(7)), sampler(50, createRng(8)));
  });

  it("splits like stratifiedSplit: exactly round(test_size x class size) test rows of each class", () => {
    assert.deepEqual(classSizes(10, 3), [4, 3, 3]);
    const tables = syntheticTables(IRIS, 1001, 0.2, createRng(1), createRng(2));
    const rows = [...tables.rows];
    assert.deepEqual(tables.sizes, [800, 201]); // classes of 334, 334, 333 rows: 67 test rows each
    for (const [label, size] of classSizes(1001, 3).entries()) {
      const test = rows.filter(({ table, row }) => table === 1 && row.label === label).length;
      assert.equal(test, Math.round(0.2 * size), `class ${label}`);
    }
    assert.equal(rows.filter(({ table }) => table === 0).length, tables.sizes[0]);
  });
});

describe("synthetic data fitted to any data set", () => {
  it("draws categorical features with each class's frequencies, numeric ones from its Gaussian", () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      // class 0 is always "x"; class 1 is "y" three times in four
      features: [i % 2 === 0 ? 0 : i % 8 === 1 ? 0 : 1, (i % 2) * 100 + (i % 7)],
      label: i % 2,
    }));
    const schema: Schema = {
      features: [
        { name: "c", kind: "categorical", categories: ["x", "y"] },
        { name: "n", kind: "numeric" },
      ],
      label: "k",
      classes: ["zero", "one"],
    };
    const sample = fitSynthetic({ schema, rows })(4000, createRng(3));
    const share = (label: number) => {
      const members = sample.filter((row) => row.label === label);
      return members.filter((row) => row.features[0] === 1).length / members.length;
    };
    assert.equal(share(0), 0);
    assert.ok(Math.abs(share(1) - 0.75) < 0.05, `share ${share(1)}`);
    const ones = sample.filter((row) => row.label === 1).map((row) => row.features[1] as number);
    assert.ok(Math.abs(ones.reduce((a, b) => a + b, 0) / ones.length - 103) < 1);
  });
});
