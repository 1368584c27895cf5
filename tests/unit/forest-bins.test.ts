import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binEdges, binMatrix } from "../../stages/core/forest/bins.ts";
import { ForestFile } from "../../stages/core/forest/forest-file.ts";
import { lowerBound } from "../../stages/core/forest/lower-bound.ts";
import { type FeatureMatrix, matrixFromRows } from "../../stages/core/forest/matrix.ts";
import { type Forest, type ForestSettings, trainForest } from "../../stages/core/forest/train-forest.ts";
import { trainModel } from "../../stages/core/model.ts";
import { parseSection, type TrainParams, trainParams } from "../../stages/core/params.ts";
import { createRng } from "../../stages/core/rng.ts";
import { trainForestInThreads } from "../../stages/shell/forest-pool.ts";

const edges = (values: number[], maxBins: number) => {
  const { lower, upper } = binEdges(Float64Array.from(values), maxBins);
  return { lower: [...lower], upper: [...upper] };
};
/** The bins of one feature's values, read from the row-major matrix (4 bytes a row for one feature). */
const binsOf = (values: number[], maxBins: number) => {
  const column = Float64Array.from(values);
  const { bins, stride } = binMatrix(
    { rowCount: values.length, classCount: 1, columns: [column], labels: new Uint8Array(values.length) },
    maxBins,
  );
  return values.map((_, row) => bins[row * stride]);
};
const text = (forest: Forest) => JSON.stringify(new ForestFile(forest));

describe("binning a feature", () => {
  it("gives each distinct value its own bin when there are at most max_bins of them", () => {
    assert.deepEqual(edges([3, 1, 2, 3, 1], 3), { lower: [1, 2, 3], upper: [1, 2, 3] });
    assert.deepEqual(binsOf([3, 1, 2, 3, 1], 3), [2, 0, 1, 2, 0]);
  });

  it("cuts more distinct values at quantiles: bins end at ranks ceil(k n / max_bins)", () => {
    // 10 values, 2 bins: ranks 5 and 10; 4 bins: ranks 3, 5, 8, 10.
    const values = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    assert.deepEqual(edges(values, 2), { lower: [1, 6], upper: [5, 10] });
    assert.deepEqual(edges(values, 4), { lower: [1, 4, 6, 9], upper: [3, 5, 8, 10] });
    assert.deepEqual(binsOf(values, 4), [3, 3, 2, 2, 2, 1, 1, 0, 0, 0]);
  });

  it("never splits a tied value across bins: heavy ties give fewer bins", () => {
    // Five distinct values in 12 rows, 4 bins: ranks 3, 6, 9, 12 fall on 0, 0, 1 and 4: three bins.
    assert.deepEqual(edges([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], 4), { lower: [0, 1, 2], upper: [0, 1, 4] });
  });

  it("keeps a constant feature in one bin, and -0 with 0", () => {
    assert.deepEqual(edges([7, 7, 7], 4), { lower: [7], upper: [7] });
    assert.deepEqual(edges([-0, 0, 0], 4), { lower: [0], upper: [0] });
  });

  it("orders negative values numerically", () => {
    assert.deepEqual(edges([-1.5, 2, -10, 0.25, -1.5], 8), {
      lower: [-10, -1.5, 0.25, 2],
      upper: [-10, -1.5, 0.25, 2],
    });
    assert.deepEqual(binsOf([-1.5, 2, -10, 0.25], 2), [0, 1, 0, 1]);
  });
});

/** A small random data set: few distinct values per feature (some constant, some negative), noisy labels. */
function randomMatrix(seed: number): FeatureMatrix {
  const rng = createRng(seed);
  const rowCount = 5 + Math.floor(rng() * 120);
  const featureCount = 1 + Math.floor(rng() * 6);
  const classCount = 2 + Math.floor(rng() * 3);
  const levels = Array.from({ length: featureCount }, () => 1 + Math.floor(rng() * 12));
  const rows = Array.from({ length: rowCount }, () => {
    const features = levels.map((level) => Math.floor(rng() * level) * 0.7 - 2);
    const label = rng() < 0.6 ? ((features[0] ?? 0) > 0 ? 1 : 0) : Math.floor(rng() * classCount);
    return { features, label };
  });
  return matrixFromRows(rows, classCount);
}

describe("histogram splits", () => {
  it("grow the exact trees (structure, features, thresholds) when no feature has more than max_bins values", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const matrix = randomMatrix(seed);
      const rng = createRng(seed + 1000);
      const settings: ForestSettings = {
        trees: 3,
        seed,
        maxFeatures: 1 + Math.floor(rng() * matrix.columns.length),
        maxDepth: rng() < 0.3 ? 1 + Math.floor(rng() * 4) : Number.POSITIVE_INFINITY,
        minSamplesSplit: 2 + Math.floor(rng() * 3),
        minSamplesLeaf: 1 + Math.floor(rng() * 3),
      };
      const exact = text(trainForest(matrix, settings));
      assert.equal(text(trainForest(matrix, { ...settings, maxBins: 12 })), exact, `data set ${seed}`);
    }
  });

  it("grow different trees than exact splits once a feature has more values than bins, with thresholds between training values", () => {
    const rng = createRng(3);
    const rows = Array.from({ length: 400 }, () => {
      const x = rng() * 10 - 5;
      return { features: [x, rng()], label: x + rng() * 2 > 0 ? 1 : 0 };
    });
    const matrix = matrixFromRows(rows, 2);
    const settings: ForestSettings = {
      trees: 4,
      seed: 1,
      maxFeatures: 1,
      maxDepth: 4,
      minSamplesSplit: 2,
      minSamplesLeaf: 1,
    };
    const binned = trainForest(matrix, { ...settings, maxBins: 8 });
    assert.notEqual(text(binned), text(trainForest(matrix, settings)));
    const values = matrix.columns.map((column) => [...column].sort((a, b) => a - b));
    for (const tree of binned.trees) {
      tree.threshold.forEach((threshold, node) => {
        const column = values[tree.feature[node] as number] as number[];
        // A midpoint of two neighbouring training values: none lies strictly between it and both of them.
        const below = column.filter((value) => value <= threshold).at(-1) as number;
        const above = column.find((value) => value > threshold) as number;
        assert.ok(threshold === below / 2 + above / 2 || threshold === below, `threshold ${threshold}`);
      });
    }
  });

  it("grow the same forest on any number of threads", async () => {
    const matrix = randomMatrix(7);
    const settings: ForestSettings = {
      trees: 6,
      seed: 2,
      maxFeatures: 1,
      maxDepth: Number.POSITIVE_INFINITY,
      minSamplesSplit: 2,
      minSamplesLeaf: 1,
      maxBins: 4,
    };
    const reference = text(trainForest(matrix, settings));
    assert.equal(text(await trainForestInThreads(matrix, settings, 2, { growInThisThread: false })), reference);
  });
});

describe("train.max_bins", () => {
  const base = {
    engine: "poisonlab-forest",
    n_estimators: 10,
    max_features: null,
    max_depth: null,
    min_samples_split: 2,
    min_samples_leaf: 1,
    seed: 1,
  };
  const parse = (train: object) => parseSection({ train }, "train", trainParams, "params.yaml");

  it("is optional, null, or a whole number from 2 to 256", () => {
    assert.equal(parse(base).max_bins, undefined);
    assert.equal(parse({ ...base, max_bins: null }).max_bins, null);
    assert.equal(parse({ ...base, max_bins: 256 }).max_bins, 256);
    for (const bad of [1, 257, 2.5, "255"]) {
      assert.throws(
        () => parse({ ...base, max_bins: bad }),
        (error: Error) => {
          assert.match(error.message, new RegExp(`train\\.max_bins = "?${bad}"?: expected`));
          return true;
        },
      );
    }
  });

  it("is refused with ml-random-forest, which has no histogram splits", () => {
    const params = parse({ ...base, engine: "ml-random-forest", max_bins: 255 }) as TrainParams;
    const rows = [
      { features: [1], label: 0 },
      { features: [2], label: 1 },
    ];
    const schema = { features: [{ name: "x", kind: "numeric" as const }], label: "y", classes: ["a", "b"] };
    assert.throws(() => trainModel(rows, params, schema), {
      message:
        "train.max_bins = 255: ml-random-forest has no histogram splits; use null (empty), or train.engine: poisonlab-forest",
    });
  });

  it("is left out of an exact model's file, so it reads as before max_bins existed", () => {
    const rows = [
      { features: [1], label: 0 },
      { features: [2], label: 1 },
    ];
    const schema = { features: [{ name: "x", kind: "numeric" as const }], label: "y", classes: ["a", "b"] };
    const exact = trainModel(rows, parse({ ...base, max_bins: null }) as TrainParams, schema);
    assert.equal("max_bins" in exact.params, false);
    const binned = trainModel(rows, parse({ ...base, max_bins: 16 }) as TrainParams, schema);
    assert.equal(binned.params.max_bins, 16);
  });
});

describe("lowerBound", () => {
  it("is the first index whose value is not below the one sought, the last when all are below", () => {
    const sorted = Float64Array.of(-1, 0.5, 0.5, 2, 7);
    const cases: Array<[number, number]> = [
      [-5, 0],
      [-1, 0],
      [0, 1],
      [0.5, 1],
      [1, 3],
      [7, 4],
      [99, 4],
    ];
    for (const [value, index] of cases) assert.equal(lowerBound(sorted, value), index, `value ${value}`);
    assert.equal(lowerBound(Float64Array.of(3), 1), 0);
  });
});
