/**
 * Prediction with a packed poisonlab-forest (forest-predict.ts): labels and vote shares against a plain walk
 * of every tree (tree.ts) on many random forests and rows, ties at thresholds and edge values included; and
 * the same result on worker threads as in this thread. In one process.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  chunkCount,
  forestLabels,
  forestShares,
  packForest,
  walkInThisThread,
} from "../../stages/core/forest/forest-predict.ts";
import type { Forest } from "../../stages/core/forest/train-forest.ts";
import { leafReference, type Tree, TreeBuilder, walkedVotes } from "../../stages/core/forest/tree.ts";
import { createRng, type Rng } from "../../stages/core/rng.ts";
import { walkOnThreads } from "../../stages/shell/forest-predict-pool.ts";

const EDGE_VALUES = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, -Number.MAX_VALUE];
const pickOf = <T>(rng: Rng, values: readonly T[]): T => values[Math.floor(rng() * values.length)] as T;

/** A random tree in pre-order (as trees grow), its thresholds drawn from `values`, so rows tie with them. */
function randomTree(rng: Rng, features: number, classes: number, values: readonly number[], maxDepth: number): Tree {
  const builder = new TreeBuilder();
  const leaf = () => leafReference(Math.floor(rng() * classes));
  const grow = (depth: number): number => {
    if (depth > 0 && (depth >= maxDepth || rng() < 0.25)) return leaf();
    const split = builder.addSplit(Math.floor(rng() * features), pickOf(rng, values));
    builder.setChild(split, "left", grow(depth + 1));
    builder.setChild(split, "right", grow(depth + 1));
    return split;
  };
  if (rng() < 0.05) {
    // A tree whose root is a leaf: one split whose two children are that leaf.
    const reference = leaf();
    const split = builder.addSplit(Math.floor(rng() * features), pickOf(rng, values));
    builder.setChild(split, "left", reference);
    builder.setChild(split, "right", reference);
  } else grow(0);
  return builder.finish();
}

function randomCase(rng: Rng, rowCount: number, trees: number) {
  // Up to 60 features: past the 48 the row order's key has room for.
  const featureCount = 1 + Math.floor(rng() * (rng() < 0.2 ? 60 : 6));
  const classCount = 1 + Math.floor(rng() * 5);
  const values = [
    ...Array.from({ length: 1 + Math.floor(rng() * 30) }, () => Math.round((rng() - 0.5) * 100) / 8),
    ...(rng() < 0.3 ? EDGE_VALUES : []),
  ];
  const forest: Forest = {
    featureCount,
    classCount,
    trees: Array.from({ length: trees }, () => randomTree(rng, featureCount, classCount, values, 1 + rng() * 12)),
  };
  // Rows: the thresholds themselves (ties with `<=`), edge values, and values in between or beyond.
  const rows = Array.from({ length: rowCount }, () =>
    Array.from({ length: featureCount }, () => {
      const pick = rng();
      if (pick < 0.5) return pickOf(rng, values);
      if (pick < 0.6) return pickOf(rng, EDGE_VALUES);
      return (rng() - 0.5) * 30;
    }),
  );
  return { forest, rows };
}

/** Every tree walked node by node for every row; shares of the votes, and the first most voted class. */
function reference(forest: Forest, rows: readonly number[][]) {
  const columns = Array.from({ length: forest.featureCount }, (_, f) =>
    Float64Array.from(rows, (row) => row[f] as number),
  );
  const votes = walkedVotes(forest, columns);
  return {
    shares: votes.map((counts) => counts.map((count) => count / forest.trees.length)),
    labels: votes.map((counts) => counts.indexOf(Math.max(...counts))),
  };
}

describe("forest prediction", () => {
  it("gives the plain walk's labels and shares on random forests, ties and edge values included", () => {
    const rng = createRng(14);
    for (let i = 0; i < 300; i++) {
      const { forest, rows } = randomCase(rng, Math.floor(rng() * 300), 1 + Math.floor(rng() * 40));
      const packed = packForest(forest);
      const expected = reference(forest, rows);
      assert.deepEqual(forestLabels(packed, rows, walkInThisThread), expected.labels, `case ${i}: labels`);
      assert.deepEqual(forestShares(packed, rows, walkInThisThread), expected.shares, `case ${i}: shares`);
    }
  });

  it("is the same over many chunks of rows, in this thread and on workers", () => {
    const rng = createRng(15);
    // Rows times trees past what pays for threads (engine.ts), over several chunks.
    const { forest, rows } = randomCase(rng, 40_000, 60);
    assert.ok(chunkCount(rows.length) >= 3);
    const packed = packForest(forest);
    const expected = reference(forest, rows);
    assert.deepEqual(forestLabels(packed, rows, walkInThisThread), expected.labels);
    assert.deepEqual(forestShares(packed, rows, walkInThisThread), expected.shares);
    for (const threads of [2, 3]) {
      assert.deepEqual(forestLabels(packed, rows, walkOnThreads(threads)), expected.labels, `${threads} threads`);
      assert.deepEqual(forestShares(packed, rows, walkOnThreads(threads)), expected.shares, `${threads} threads`);
    }
    // Workers alone: every chunk walked by them.
    const workersOnly = walkOnThreads(2, { walkHereToo: false });
    assert.deepEqual(forestLabels(packed, rows, workersOnly), expected.labels, "workers only");
    assert.deepEqual(forestShares(packed, rows, workersOnly), expected.shares, "workers only");
  });
});
