import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Row } from "../../stages/core/dataset.ts";
import { createRng } from "../../stages/core/rng.ts";
import { stratifiedSplit } from "../../stages/core/split.ts";

/** n rows per class, each with a unique first feature so rows can be told apart. */
function table(perClass: readonly number[]): Row[] {
  let id = 0;
  return perClass.flatMap((count, label) =>
    Array.from({ length: count }, () => ({ features: [id++, 0, 0, 0], label })),
  );
}

const countByLabel = (rows: readonly Row[]) =>
  rows.reduce<Record<number, number>>((counts, row) => {
    counts[row.label] = (counts[row.label] ?? 0) + 1;
    return counts;
  }, {});

describe("stratifiedSplit", () => {
  it("keeps the class proportions: 50/50/50 at 0.2 gives 10 test rows per class", () => {
    const { train, test } = stratifiedSplit(table([50, 50, 50]), 0.2, createRng(1));
    assert.deepEqual(countByLabel(test), { 0: 10, 1: 10, 2: 10 });
    assert.deepEqual(countByLabel(train), { 0: 40, 1: 40, 2: 40 });
  });

  it("rounds per class on unbalanced tables", () => {
    const { test } = stratifiedSplit(table([20, 40, 7]), 0.25, createRng(1));
    assert.deepEqual(countByLabel(test), { 0: 5, 1: 10, 2: 2 });
  });

  it("partitions the rows: nothing lost, nothing duplicated, input order kept", () => {
    const rows = table([30, 30, 30]);
    const { train, test } = stratifiedSplit(rows, 0.3, createRng(5));
    const ids = (part: Row[]) => part.map((row) => row.features[0] as number);
    assert.deepEqual(
      [...ids(train), ...ids(test)].sort((a, b) => a - b),
      ids(rows),
    );
    assert.deepEqual(
      ids(train),
      [...ids(train)].sort((a, b) => a - b),
    );
    assert.deepEqual(
      ids(test),
      [...ids(test)].sort((a, b) => a - b),
    );
  });

  it("is deterministic per seed and differs between seeds", () => {
    const rows = table([50, 50, 50]);
    assert.deepEqual(stratifiedSplit(rows, 0.2, createRng(42)), stratifiedSplit(rows, 0.2, createRng(42)));
    assert.notDeepEqual(stratifiedSplit(rows, 0.2, createRng(42)).test, stratifiedSplit(rows, 0.2, createRng(43)).test);
  });
});
