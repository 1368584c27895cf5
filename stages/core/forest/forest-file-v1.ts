import { z } from "zod";
import { StageError } from "../errors.ts";
import type { Forest } from "./train-forest.ts";
import type { Tree } from "./tree.ts";

/**
 * The poisonlab-forest JSON format, version 1, which poisonlab wrote before version 2 (forest-file-v2.ts):
 *   { "format": "poisonlab-forest", "version": 1, "feature_count": 4, "class_count": 3,
 *     "trees": [ { "feature": [...], "threshold": [...], "left": [...], "right": [...] }, ... ] }
 * Each tree lists its split nodes in pre-order, as described on the Tree type: a child reference >= 0 is a
 * later split of the same tree, a negative one a leaf voting for class (-reference - 1). Still read, so model
 * files trained before version 2 still evaluate and export; written only by tests and the format benchmark.
 */
export const FOREST_V1 = 1;

// The trees' arrays are checked by hand below, in one pass that also fills the typed arrays: a forest on a
// million noisy rows has millions of nodes, and zod would copy and check every number several times over.
const anArray = z.custom<unknown[]>((value) => Array.isArray(value), "expected an array");
const forestJson = z.object({
  format: z.literal("poisonlab-forest"),
  version: z.literal(FOREST_V1),
  feature_count: z.int().min(1),
  class_count: z.int().min(1),
  trees: z.array(z.object({ feature: anArray, threshold: anArray, left: anArray, right: anArray })).min(1),
});
type TreeJson = z.infer<typeof forestJson>["trees"][number];

/** A forest as version 1 wrote it: JSON.stringify of this value is the v1 text. */
export function forestV1Json(forest: Forest) {
  const { featureCount, classCount, trees } = forest;
  return {
    format: "poisonlab-forest",
    version: FOREST_V1,
    feature_count: featureCount,
    class_count: classCount,
    trees: trees.map((tree) => ({
      feature: Array.from(tree.feature),
      threshold: Array.from(tree.threshold),
      left: Array.from(tree.left),
      right: Array.from(tree.right),
    })),
  };
}

/**
 * Reads a v1 forest (the caller has checked format and version). Besides the shape, checks what would
 * otherwise make prediction loop or read out of bounds: features and classes in range, children pointing forward.
 */
export function parseForestV1(value: unknown, source: string): Forest {
  const parsed = forestJson.safeParse(value);
  if (!parsed.success) {
    throw new StageError(`${source}: not a poisonlab-forest v1 forest:\n${z.prettifyError(parsed.error)}`);
  }
  const { feature_count: featureCount, class_count: classCount } = parsed.data;
  const trees = parsed.data.trees.map((json, index) => {
    const tree = typedTree(json);
    const problem =
      tree === null
        ? "feature, threshold, left and right must be number arrays of one length"
        : treeProblem(tree, featureCount, classCount);
    if (problem !== null) throw new StageError(`${source}: forest tree ${index}: ${problem}`);
    return tree as Tree;
  });
  return { featureCount, classCount, trees };
}

/** The tree in typed arrays, or null when a field holds something other than numbers of the right kind. */
function typedTree(json: TreeJson): Tree | null {
  const size = json.feature.length;
  if (size === 0 || json.threshold.length !== size || json.left.length !== size || json.right.length !== size)
    return null;
  const tree: Tree = {
    feature: new Uint16Array(size),
    threshold: new Float64Array(size),
    left: new Int32Array(size),
    right: new Int32Array(size),
  };
  for (let node = 0; node < size; node++) {
    const [feature, threshold, left, right] = [
      json.feature[node],
      json.threshold[node],
      json.left[node],
      json.right[node],
    ];
    if (!isIndex(feature) || typeof threshold !== "number" || !Number.isInteger(left) || !Number.isInteger(right))
      return null;
    tree.feature[node] = feature;
    tree.threshold[node] = threshold;
    tree.left[node] = left as number;
    tree.right[node] = right as number;
  }
  return tree;
}

function isIndex(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < 65536;
}

/** What would make prediction loop or read out of bounds: features and classes out of range, children pointing back. */
function treeProblem(tree: Tree, featureCount: number, classCount: number): string | null {
  for (let node = 0; node < tree.feature.length; node++) {
    if ((tree.feature[node] as number) >= featureCount)
      return `split ${node} uses feature ${tree.feature[node]} of ${featureCount}`;
    for (const child of [tree.left[node] as number, tree.right[node] as number]) {
      if (child < -classCount || (child >= 0 && (child <= node || child >= tree.feature.length)))
        return `split ${node} has an invalid child ${child}`;
    }
  }
  return null;
}
