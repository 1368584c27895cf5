import { z } from "zod";
import { StageError } from "./errors.ts";

/**
 * The ml-random-forest JSON format (its toJSON output), as it sits in a model file's `forest` field, checked
 * before the library sees it. The library trusts its input: a tampered nEstimators made prediction allocate
 * without bound, a split column out of range reads `undefined`, and its recursive tree walk overflows the
 * stack on a deep tree. Loose objects: the library's other fields (options) pass through untouched.
 */
const mljsForestJson = z.looseObject({
  name: z.literal("RFClassifier"),
  baseModel: z.looseObject({
    isClassifier: z.literal(true),
    n: z.int().min(1),
    nEstimators: z.int().min(1),
    indexes: z.array(z.array(z.int().min(0)).min(1)),
    estimators: z.array(z.looseObject({ name: z.literal("DTClassifier"), root: z.unknown() })).min(1),
  }),
});

/** Deeper than any tree grown here (IRIS trees are ~10 levels, a million rows ~60); ml-cart recurses per level. */
export const MAX_TREE_DEPTH = 1000;

/** Checks an ml-random-forest JSON value against the model's feature and class counts; returns it unchanged. */
export function checkMljsForest(
  value: unknown,
  expected: { featureCount: number; classCount: number },
  source: string,
): unknown {
  const parsed = mljsForestJson.safeParse(value);
  if (!parsed.success) {
    throw new StageError(`${source}: not an ml-random-forest forest:\n${z.prettifyError(parsed.error)}`);
  }
  const { n, nEstimators, indexes, estimators } = parsed.data.baseModel;
  // n is the features each tree draws (max_features), at most the model's feature count; trees index the data's columns.
  const problem =
    n > expected.featureCount
      ? `forest.baseModel.n = ${n}, but the model has ${expected.featureCount} features`
      : nEstimators !== estimators.length || indexes.length !== estimators.length
        ? `forest.baseModel.nEstimators = ${nEstimators}, but it holds ${estimators.length} trees and ${indexes.length} feature lists`
        : forestProblem(indexes, estimators, expected.classCount, expected.featureCount, n);
  if (problem !== null) throw new StageError(`${source}: ${problem}`);
  return value;
}

function forestProblem(
  indexes: number[][],
  estimators: Array<{ root: unknown }>,
  classCount: number,
  featureCount: number,
  featuresPerTree: number,
): string | null {
  for (const [tree, features] of indexes.entries()) {
    if (features.length !== featuresPerTree)
      return `tree ${tree} lists ${features.length} features, not ${featuresPerTree}`;
    const outside = features.find((feature) => feature >= featureCount);
    if (outside !== undefined) return `tree ${tree} uses feature ${outside} of ${featureCount}`;
    const problem = treeProblem(estimators[tree]?.root, features.length, classCount);
    if (problem !== null) return `tree ${tree}: ${problem}`;
  }
  return null;
}

/** Walks a tree without recursion (a tampered tree may be deep): splits in range, leaves one row of class weights. */
function treeProblem(root: unknown, columns: number, classCount: number): string | null {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, depth } = next;
    const path = depth === 0 ? "the root" : `a node at depth ${depth}`;
    if (depth > MAX_TREE_DEPTH) return `${path} is deeper than ${MAX_TREE_DEPTH} levels`;
    if (typeof node !== "object" || node === null) return `${path} is not a node`;
    const { distribution, splitColumn, splitValue, left, right } = node as Record<string, unknown>;
    if (distribution !== undefined) {
      const row = Array.isArray(distribution) && distribution.length === 1 ? distribution[0] : undefined;
      const weights = Array.isArray(row) ? row : [];
      if (weights.length < 1 || weights.length > classCount || !weights.every(isWeight)) {
        return `${path} is a leaf whose distribution is not one row of 1 to ${classCount} class weights`;
      }
      continue;
    }
    if (!Number.isInteger(splitColumn) || (splitColumn as number) < 0 || (splitColumn as number) >= columns) {
      return `${path} splits on column ${String(splitColumn).slice(0, 20)} of the tree's ${columns}`;
    }
    if (typeof splitValue !== "number" || !Number.isFinite(splitValue)) return `${path} has no finite splitValue`;
    pending.push({ node: left, depth: depth + 1 }, { node: right, depth: depth + 1 });
  }
  return null;
}

function isWeight(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
