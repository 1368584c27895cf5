import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createFastRng } from "../../stages/core/forest/fast-rng.ts";
import { bootstrapWeights, type GrowSettings, growWeightedTree } from "../../stages/core/forest/grow-tree.ts";
import { type FeatureMatrix, matrixFromRows } from "../../stages/core/forest/matrix.ts";
import { sortColumns } from "../../stages/core/forest/presort.ts";
import { type Tree, treeVote } from "../../stages/core/forest/tree.ts";
import { createRng } from "../../stages/core/rng.ts";

const ALL_FEATURES: GrowSettings = {
  maxFeatures: 2,
  maxDepth: Number.POSITIVE_INFINITY,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
};

function grow(
  matrix: FeatureMatrix,
  settings: GrowSettings,
  weights = new Uint32Array(matrix.rowCount).fill(1),
  seed = 1,
): Tree {
  return growWeightedTree(matrix, sortColumns(matrix), weights, settings, createFastRng(createRng(seed)));
}

function plain(tree: Tree) {
  return { feature: [...tree.feature], threshold: [...tree.threshold], left: [...tree.left], right: [...tree.right] };
}

/** Depth of the deepest leaf (a leaf right under the root has depth 1). */
function depth(tree: Tree, node = 0): number {
  const below = (child: number) => (child < 0 ? 1 : 1 + depth(tree, child));
  return Math.max(below(tree.left[node] as number), below(tree.right[node] as number));
}

describe("growing one tree", () => {
  // Worked by hand with the Gini proxy sum(n_k^2)/n per side (higher is better):
  //   root, x0 <= 2.5: {0,0} | {1,1,2,2} scores 4/2 + 8/4 = 4, ties x0 <= 4.5 (first found wins), beats
  //   x0 <= 3.5 (10/3) and x1 <= 5 (10/3); then {1,1,2,2} splits at x0 <= 4.5 (score 4) into pure leaves.
  const tiny = matrixFromRows(
    [
      { features: [1, 9], label: 0 },
      { features: [2, 9], label: 0 },
      { features: [3, 9], label: 1 },
      { features: [4, 1], label: 1 },
      { features: [5, 1], label: 2 },
      { features: [6, 1], label: 2 },
    ],
    3,
  );

  it("matches the hand-checked tree, whatever order the features are drawn in", () => {
    const expected = { feature: [0, 0], threshold: [2.5, 4.5], left: [-1, -2], right: [1, -3] };
    for (const seed of [1, 2, 3, 4, 5]) assert.deepEqual(plain(grow(tiny, ALL_FEATURES, undefined, seed)), expected);
  });

  it("weights rows as often as the bootstrap drew them", () => {
    // Row 2 drawn three times and rows 4, 5 left out: the root now separates class 0 from class 1 only.
    const weights = Uint32Array.from([1, 1, 3, 1, 0, 0]);
    assert.deepEqual(plain(grow(tiny, ALL_FEATURES, weights)), {
      feature: [0],
      threshold: [2.5],
      left: [-1],
      right: [-2],
    });
  });

  it("stores a tree that is a single leaf as one split whose children are both that leaf", () => {
    const pure = matrixFromRows(
      [
        { features: [1, 2], label: 2 },
        { features: [3, 4], label: 2 },
      ],
      3,
    );
    assert.deepEqual(plain(grow(pure, ALL_FEATURES)), { feature: [0], threshold: [0], left: [-3], right: [-3] });
  });

  it("makes a leaf of a node whose rows all have the same features, voting for its majority", () => {
    const same = matrixFromRows(
      [
        { features: [1, 1], label: 1 },
        { features: [1, 1], label: 0 },
        { features: [1, 1], label: 1 },
      ],
      3,
    );
    assert.deepEqual(plain(grow(same, ALL_FEATURES)).left, [-2]);
  });

  const random = randomMatrix(400, 7);

  it("picks the split a brute-force Gini search picks, when it may try every feature", () => {
    const tree = grow(random, { ...ALL_FEATURES, maxFeatures: 4 });
    const best = bruteForceRootSplit(random);
    assert.equal(tree.feature[0], best.feature);
    assert.equal(tree.threshold[0], best.threshold);
  });

  it("grows fully: every training row is predicted as its own label", () => {
    const tree = grow(random, ALL_FEATURES);
    for (let row = 0; row < random.rowCount; row++)
      assert.equal(treeVote(tree, random.columns, row), random.labels[row]);
  });

  it("respects max_depth", () => {
    for (const maxDepth of [1, 2, 3]) assert.ok(depth(grow(random, { ...ALL_FEATURES, maxDepth })) <= maxDepth);
  });

  it("respects min_samples_leaf: no leaf gets fewer training rows", () => {
    for (const minSamplesLeaf of [5, 20]) {
      const tree = grow(random, { ...ALL_FEATURES, minSamplesLeaf });
      const perLeaf = new Map<string, number>();
      for (let row = 0; row < random.rowCount; row++) {
        const leaf = leafOf(tree, random.columns, row);
        perLeaf.set(leaf, (perLeaf.get(leaf) ?? 0) + 1);
      }
      assert.ok(Math.min(...perLeaf.values()) >= minSamplesLeaf, `smallest leaf ${Math.min(...perLeaf.values())}`);
    }
  });

  it("respects min_samples_split: a node with fewer rows is not split", () => {
    // {1,1,2,2} has 4 rows < 5: a leaf voting for class 1 (a tie goes to the lower class).
    assert.deepEqual(plain(grow(tiny, { ...ALL_FEATURES, minSamplesSplit: 5 })), {
      feature: [0],
      threshold: [2.5],
      left: [-1],
      right: [-2],
    });
    assert.deepEqual(plain(grow(tiny, { ...ALL_FEATURES, minSamplesSplit: 7 })), {
      feature: [0],
      threshold: [0],
      left: [-1],
      right: [-1],
    });
  });

  it("draws bootstrap weights that add up to the rows", () => {
    const weights = bootstrapWeights(1000, createFastRng(createRng(3)));
    assert.equal(
      weights.reduce((a, b) => a + b, 0),
      1000,
    );
    const inBag = weights.filter((w) => w > 0).length;
    assert.ok(inBag > 600 && inBag < 665, `about 63.2 % of rows in the bag, got ${inBag}`);
  });
});

function randomMatrix(rows: number, seed: number): FeatureMatrix {
  const rng = createRng(seed);
  return matrixFromRows(
    Array.from({ length: rows }, () => {
      const features = [rng(), rng(), Math.round(rng() * 10), rng()];
      const label = features[0]! + features[2]! / 10 > 1 ? 2 : features[1]! > 0.5 ? 1 : 0;
      return { features, label: rng() < 0.1 ? (label + 1) % 3 : label }; // some noise makes the tree deep
    }),
    3,
  );
}

/** The leaf a row ends in, named by its parent split and side. */
function leafOf(tree: Tree, columns: readonly Float64Array[], row: number): string {
  let node = 0;
  for (;;) {
    const goLeft = (columns[tree.feature[node]!]![row] as number) <= (tree.threshold[node] as number);
    const next = (goLeft ? tree.left : tree.right)[node] as number;
    if (next < 0) return `${node}${goLeft ? "L" : "R"}`;
    node = next;
  }
}

/** The weighted Gini impurity decrease of every threshold of every feature, the slow way. */
function bruteForceRootSplit(matrix: FeatureMatrix): { feature: number; threshold: number } {
  const gini = (labels: number[]) => {
    const counts = [0, 0, 0];
    for (const label of labels) counts[label]!++;
    return 1 - counts.reduce((sum, c) => sum + (c / labels.length) ** 2, 0);
  };
  let best = { feature: -1, threshold: 0, impurity: Number.POSITIVE_INFINITY };
  matrix.columns.forEach((column, feature) => {
    const values = [...new Set(column)].sort((a, b) => a - b);
    for (let i = 0; i + 1 < values.length; i++) {
      const threshold = values[i]! / 2 + values[i + 1]! / 2;
      const left: number[] = [];
      const right: number[] = [];
      for (const [row, value] of column.entries()) (value <= threshold ? left : right).push(matrix.labels[row]!);
      const impurity = (left.length * gini(left) + right.length * gini(right)) / matrix.rowCount;
      if (impurity < best.impurity - 1e-12) best = { feature, threshold, impurity };
    }
  });
  return best;
}
