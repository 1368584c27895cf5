import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ForestFile } from "../../stages/core/forest/forest-file.ts";
import { matrixFromRows } from "../../stages/core/forest/matrix.ts";
import { type Forest, type ForestSettings, trainForest } from "../../stages/core/forest/train-forest.ts";
import { createRng } from "../../stages/core/rng.ts";
import { fitSynthetic } from "../../stages/core/synthetic.ts";
import { trainForestInThreads } from "../../stages/shell/forest-pool.ts";
import { IRIS } from "../support/iris.ts";

const _iris = IRIS.rows;
// Label noise makes trees deep, so a difference in any draw would show.
const rows = fitSynthetic(IRIS)(3000, createRng(5)).map((row, i) =>
  i % 10 === 0 ? { ...row, label: (row.label + 1) % 3 } : row,
);
const matrix = matrixFromRows(rows, 3);
const settings: ForestSettings = {
  trees: 12,
  seed: 9,
  maxFeatures: 2,
  maxDepth: Number.POSITIVE_INFINITY,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
};
const text = (forest: Forest) => JSON.stringify(new ForestFile(forest));

describe("poisonlab-forest determinism", () => {
  const reference = trainForest(matrix, settings);

  it("gives the same forest, byte for byte, for the same seed", () => {
    assert.equal(text(trainForest(matrix, settings)), text(reference));
  });

  it("gives another forest for another seed", () => {
    assert.notEqual(text(trainForest(matrix, { ...settings, seed: 10 })), text(reference));
  });

  it("grows each tree from the seed and its index alone: fewer trees are a prefix of more", () => {
    const fewer = trainForest(matrix, { ...settings, trees: 5 });
    assert.deepEqual(fewer.trees, reference.trees.slice(0, 5));
  });

  it("gives the same forest on worker threads as in this thread, for any number of threads", async () => {
    const inThisThread = text(reference);
    assert.equal(text(await trainForestInThreads(matrix, settings, 1)), inThisThread);
    // Two workers and this thread idle: the trees surely come from other threads, in whatever order.
    assert.equal(text(await trainForestInThreads(matrix, settings, 2, { growInThisThread: false })), inThisThread);
    assert.equal(text(await trainForestInThreads(matrix, settings, 2)), inThisThread);
  });
});
