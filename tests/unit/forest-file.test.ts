/**
 * The poisonlab-forest file format, version 2 (compact columns), against version 1 (JSON number arrays):
 * the same forest back, byte-identical text, the widths it picks; and prediction over packed trees against
 * the plain walk of tree.ts on many random forests, in one process.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ForestFile, parseForestFile } from "../../stages/core/forest/forest-file.ts";
import { forestV1Json } from "../../stages/core/forest/forest-file-v1.ts";
import { matrixFromRows } from "../../stages/core/forest/matrix.ts";
import {
  type Forest,
  type ForestSettings,
  forestProbabilities,
  trainForest,
} from "../../stages/core/forest/train-forest.ts";
import { leafReference, type Tree, walkedVotes } from "../../stages/core/forest/tree.ts";
import { createRng, type Rng } from "../../stages/core/rng.ts";

const SOURCE = "models/model.json";
const roundTrip = (forest: Forest) => parseForestFile(JSON.parse(JSON.stringify(new ForestFile(forest))), SOURCE);

/** Random rows: `distinct` values a feature (ties when few), labels partly from feature 0, partly noise. */
function randomRows(rng: Rng, rows: number, features: number, classes: number, distinct: number) {
  return Array.from({ length: rows }, () => {
    const values = Array.from({ length: features }, () => Math.floor(rng() * distinct) / 7 - 3);
    const label =
      rng() < 0.7
        ? Math.floor(((values[0] as number) + 3) * classes * (7 / distinct)) % classes
        : Math.floor(rng() * classes);
    return { features: values, label };
  });
}

function randomForest(rng: Rng, index: number): { forest: Forest; columns: Float64Array[] } {
  const features = 1 + Math.floor(rng() * 6);
  const classes = 2 + Math.floor(rng() * 4);
  const rows = randomRows(rng, 50 + Math.floor(rng() * 400), features, classes, 2 + Math.floor(rng() * 600));
  const settings: ForestSettings = {
    trees: 1 + Math.floor(rng() * 8),
    seed: index,
    maxFeatures: 1 + Math.floor(rng() * features),
    maxDepth: rng() < 0.3 ? 1 + Math.floor(rng() * 4) : Number.POSITIVE_INFINITY,
    minSamplesSplit: 2,
    minSamplesLeaf: 1 + Math.floor(rng() * 3),
    ...(rng() < 0.5 ? { maxBins: 2 + Math.floor(rng() * 254) } : {}),
  };
  const forest = trainForest(matrixFromRows(rows, classes), settings);
  // Test rows: fresh values, the thresholds themselves (ties with `<=`), and values no training row had.
  const thresholds = forest.trees.flatMap((tree) => Array.from(tree.threshold));
  const test = randomRows(rng, 200, features, classes, 1000).map((row) =>
    row.features.map((value) => {
      const pick = rng();
      if (pick < 0.3) return thresholds[Math.floor(rng() * thresholds.length)] as number;
      if (pick < 0.35)
        return [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0][Math.floor(rng() * 4)] as number;
      return value;
    }),
  );
  const columns = Array.from({ length: features }, (_, f) => Float64Array.from(test, (row) => row[f] as number));
  return { forest, columns };
}

/** The definition prediction must meet: each tree's vote by the plain walk, shares of all trees. */
function referenceProbabilities(forest: Forest, columns: readonly Float64Array[]): number[][] {
  return walkedVotes(forest, columns).map((votes) => votes.map((count) => count / forest.trees.length));
}

/** A random tree whose splits are numbered breadth first, not in pre-order: valid in version 1. */
function breadthFirstTree(rng: Rng, splits: number, features: number, classes: number): Tree {
  const tree: Tree = {
    feature: Uint16Array.from({ length: splits }, () => Math.floor(rng() * features)),
    threshold: Float64Array.from({ length: splits }, () => Math.round(rng() * 20) / 4 - 2),
    left: new Int32Array(splits),
    right: new Int32Array(splits),
  };
  const slots: Array<[number, "left" | "right"]> = [];
  let next = 1;
  for (let node = 0; node < splits; node++) {
    for (const side of ["left", "right"] as const) slots.push([node, side]);
    while (slots.length > 0 && next < splits && rng() < 0.6) {
      const [parent, side] = slots.splice(Math.floor(rng() * slots.length), 1)[0] as [number, "left" | "right"];
      if (parent >= next) break;
      tree[side][parent] = next++;
    }
  }
  // Every split after the root needs a parent: hang the rest on free slots of earlier splits.
  for (; next < splits; next++) {
    const at = slots.findIndex(([parent]) => parent < next && tree.left[parent] === 0 && tree.right[parent] === 0);
    const [parent, side] = slots.splice(at === -1 ? 0 : at, 1)[0] as [number, "left" | "right"];
    tree[side][parent] = next;
  }
  for (let node = 0; node < splits; node++) {
    for (const side of ["left", "right"] as const)
      if ((tree[side][node] as number) <= node) tree[side][node] = leafReference(Math.floor(rng() * classes));
  }
  return tree;
}

describe("poisonlab-forest file version 2", () => {
  it("reads back the very forest it wrote, and version 1 of it the same, on 60 random forests", () => {
    const rng = createRng(11);
    for (let i = 0; i < 60; i++) {
      const { forest } = randomForest(rng, i);
      assert.deepEqual(roundTrip(forest), forest, `forest ${i}`);
      assert.deepEqual(parseForestFile(JSON.parse(JSON.stringify(forestV1Json(forest))), SOURCE), forest);
    }
  });

  it("writes the same bytes for the same forest, in pieces exactly as JSON.stringify", () => {
    const { forest } = randomForest(createRng(3), 3);
    const file = new ForestFile(forest);
    const text = JSON.stringify(file);
    assert.equal([...file.jsonChunks()].join(""), text);
    assert.equal(JSON.stringify(new ForestFile(structuredClone(forest))), text);
    assert.equal(JSON.stringify(new ForestFile(roundTrip(forest))), text);
  });

  it("takes under half the bytes of version 1 for a deep forest of few distinct thresholds", () => {
    const rows = randomRows(createRng(4), 3000, 4, 3, 100);
    const forest = trainForest(matrixFromRows(rows, 3), {
      trees: 5,
      seed: 1,
      maxFeatures: 2,
      maxDepth: Number.POSITIVE_INFINITY,
      minSamplesSplit: 2,
      minSamplesLeaf: 1,
      maxBins: 255,
    });
    const [v2, v1] = [JSON.stringify(new ForestFile(forest)), JSON.stringify(forestV1Json(forest))];
    assert.ok(v2.length < v1.length / 2, `${v2.length} bytes against ${v1.length}`);
  });

  it("uses a byte a number where 256 values suffice, else two", () => {
    const tree = (feature: number, thresholds: number): Tree => ({
      feature: Uint16Array.from({ length: thresholds }, () => feature),
      threshold: Float64Array.from({ length: thresholds }, (_, i) => i / 2),
      left: Int32Array.from({ length: thresholds }, (_, i) => (i + 1 < thresholds ? i + 1 : -1)),
      right: new Int32Array(thresholds).fill(-2),
    });
    const widths = (forest: Forest) => {
      const { feature_bytes, threshold_bytes } = new ForestFile(forest).toJSON();
      assert.deepEqual(roundTrip(forest), forest);
      return [feature_bytes, threshold_bytes];
    };
    assert.deepEqual(widths({ featureCount: 256, classCount: 2, trees: [tree(255, 256)] }), [1, 1]);
    assert.deepEqual(widths({ featureCount: 257, classCount: 2, trees: [tree(256, 257)] }), [2, 2]);
  });

  it("keeps a lone-leaf tree (one split, the leaf on both sides) and stores a threshold of -0 as 0", () => {
    const forest: Forest = {
      featureCount: 2,
      classCount: 3,
      trees: [
        {
          feature: Uint16Array.of(0),
          threshold: Float64Array.of(0),
          left: Int32Array.of(-3),
          right: Int32Array.of(-3),
        },
        {
          feature: Uint16Array.of(1),
          threshold: Float64Array.of(-0),
          left: Int32Array.of(-1),
          right: Int32Array.of(-2),
        },
      ],
    };
    const back = roundTrip(forest);
    assert.deepEqual(back.trees[0], forest.trees[0]);
    assert.ok(Object.is(back.trees[1]?.threshold[0], 0));
  });

  it("refuses to write a tree whose splits are not in pre-order, which it could not read back as it was", () => {
    const tree = breadthFirstTree(createRng(2), 12, 3, 2);
    assert.throws(() => JSON.stringify(new ForestFile({ featureCount: 3, classCount: 2, trees: [tree] })), /pre-order/);
  });
});

describe("prediction over packed trees", () => {
  it("gives exactly the plain walk's vote shares on 200 random forests and rows (ties, NaN, infinities)", () => {
    const rng = createRng(21);
    for (let i = 0; i < 200; i++) {
      const { forest, columns } = randomForest(rng, i);
      assert.deepEqual(forestProbabilities(forest, columns), referenceProbabilities(forest, columns), `forest ${i}`);
    }
  });

  it("walks trees numbered in any order version 1 allows, not only pre-order", () => {
    const rng = createRng(8);
    for (let i = 0; i < 100; i++) {
      const features = 1 + Math.floor(rng() * 4);
      const forest: Forest = {
        featureCount: features,
        classCount: 3,
        trees: Array.from({ length: 1 + Math.floor(rng() * 5) }, () =>
          breadthFirstTree(rng, 1 + Math.floor(rng() * 40), features, 3),
        ),
      };
      // Loaded through version 1's reader: these are trees it accepts.
      const loaded = parseForestFile(JSON.parse(JSON.stringify(forestV1Json(forest))), SOURCE);
      const columns = Array.from({ length: features }, () =>
        Float64Array.from({ length: 100 }, () => Math.round(rng() * 24) / 4 - 3),
      );
      assert.deepEqual(forestProbabilities(loaded, columns), referenceProbabilities(loaded, columns), `forest ${i}`);
    }
  });
});
