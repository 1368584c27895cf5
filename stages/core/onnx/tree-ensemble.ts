import { parseForestFile } from "../forest/forest-file.ts";
import type { Forest } from "../forest/train-forest.ts";
import { checkMljsForest } from "../forest-mljs-file.ts";
import type { TrainParams } from "../params.ts";

/**
 * A forest of either engine in the terms of ONNX's TreeEnsembleClassifier: numbered nodes per tree, the root
 * first (ONNX Runtime takes a tree's first node as its root), each a split (feature, threshold, the nodes a
 * row goes to when the comparison holds or not) or a leaf voting for one class. The engines differ in the
 * comparison: poisonlab-forest sends `value <= threshold` left, ml-cart (ml-random-forest's trees)
 * `value < threshold`.
 */
export type BranchMode = "BRANCH_LEQ" | "BRANCH_LT";

/** Receives the nodes of every tree; node ids are unique within a tree. */
export interface EnsembleSink {
  split(tree: number, node: number, feature: number, threshold: number, trueNode: number, falseNode: number): void;
  leaf(tree: number, node: number, label: number): void;
}

export interface Ensemble {
  mode: BranchMode;
  trees: number;
  /** Sends every node to the sink, tree by tree, in a fixed order. */
  write(sink: EnsembleSink): void;
}

interface ForestShape {
  featureCount: number;
  classCount: number;
}

/** Each engine's forest read as an ensemble; an engine without an entry here is a type error. */
const ENSEMBLES: Record<TrainParams["engine"], (forest: unknown, source: string, expected: ForestShape) => Ensemble> = {
  "poisonlab-forest": (forest, source, expected) => poisonlabEnsemble(parseForestFile(forest, source, expected)),
  "ml-random-forest": (forest, source, expected) =>
    mljsEnsemble(checkMljsForest(forest, expected, source) as MljsForestJson),
};

/** The forest of a model file (checked as the engine's loader checks it) as an ensemble. */
export function forestEnsemble(
  engine: TrainParams["engine"],
  forest: unknown,
  source: string,
  expected: ForestShape,
): Ensemble {
  return ENSEMBLES[engine](forest, source, expected);
}

/**
 * poisonlab-forest stores split nodes only (tree.ts): split i keeps id i, and every leaf reference becomes a
 * leaf node of its own, numbered after the splits. A tree whose root is a leaf is one split with that leaf on
 * both sides, which votes the same either way.
 */
export function poisonlabEnsemble(forest: Forest): Ensemble {
  return {
    mode: "BRANCH_LEQ",
    trees: forest.trees.length,
    write(sink) {
      forest.trees.forEach((tree, t) => {
        let nextLeaf = tree.feature.length;
        const leaves: Array<[node: number, label: number]> = [];
        const child = (reference: number): number => {
          if (reference >= 0) return reference;
          leaves.push([nextLeaf, -reference - 1]);
          return nextLeaf++;
        };
        // The root first: ONNX Runtime takes a tree's first node as its root.
        for (let node = 0; node < tree.feature.length; node++) {
          const trueNode = child(tree.left[node] as number);
          const falseNode = child(tree.right[node] as number);
          sink.split(t, node, tree.feature[node] as number, tree.threshold[node] as number, trueNode, falseNode);
        }
        for (const [node, label] of leaves) sink.leaf(t, node, label);
      });
    },
  };
}

/** The parts of ml-random-forest's JSON the export reads; checkMljsForest has checked them. */
interface MljsNodeJson {
  distribution?: number[][];
  splitColumn?: number;
  splitValue?: number;
  left?: MljsNodeJson;
  right?: MljsNodeJson;
}
interface MljsForestJson {
  baseModel: { indexes: number[][]; estimators: Array<{ root: MljsNodeJson }> };
}

/**
 * ml-random-forest: tree t sees only the columns indexes[t], so its split column c is feature indexes[t][c].
 * A leaf holds its rows' class shares; the tree votes for the largest, the first on a tie (ml-matrix's
 * maxRowIndex). A node's children are numbered when it is visited; the walk needs no recursion (a tree may
 * be deep).
 */
export function mljsEnsemble(forest: MljsForestJson): Ensemble {
  const { indexes, estimators } = forest.baseModel;
  return {
    mode: "BRANCH_LT",
    trees: estimators.length,
    write(sink) {
      estimators.forEach(({ root }, t) => {
        const columns = indexes[t] as number[];
        let nextId = 1;
        const pending: Array<{ node: MljsNodeJson; id: number }> = [{ node: root, id: 0 }];
        for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
          const { node, id } = next;
          if (node.distribution !== undefined) {
            sink.leaf(t, id, firstLargest(node.distribution[0] as number[]));
            continue;
          }
          const trueNode = nextId++;
          const falseNode = nextId++;
          const feature = columns[node.splitColumn as number] as number;
          sink.split(t, id, feature, node.splitValue as number, trueNode, falseNode);
          pending.push(
            { node: node.right as MljsNodeJson, id: falseNode },
            { node: node.left as MljsNodeJson, id: trueNode },
          );
        }
      });
    },
  };
}

function firstLargest(shares: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < shares.length; i++) if ((shares[i] as number) > (shares[best] as number)) best = i;
  return best;
}
