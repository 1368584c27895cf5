import { z } from "zod";
import { StageError } from "../errors.ts";
import { lowerBound } from "./lower-bound.ts";
import type { Forest } from "./train-forest.ts";
import type { Tree } from "./tree.ts";

/**
 * The poisonlab-forest format, version 2: the forest as a few columns of little-endian numbers, each one
 * base64 string, over all trees' splits in pre-order (tree 0's splits first):
 *   { "format": "poisonlab-forest", "version": 2, "feature_count": 4, "class_count": 3, "tree_count": 100,
 *     "feature_bytes": 1, "threshold_bytes": 1,
 *     "thresholds": ["<float64 per threshold>", ...],  one table per feature: the distinct thresholds its splits use, ascending
 *     "splits": "<uint32 per tree>",                    how many splits each tree has
 *     "feature": "<feature_bytes per split>",           the split's feature
 *     "threshold": "<threshold_bytes per split>",       the split's threshold, as its index in the feature's table
 *     "left": "<uint8 per split>", "right": "<uint8 per split>" }
 * A child byte is 0 for a split, c + 1 for a leaf voting for class c. Pre-order makes split indices implicit:
 * a split's left child, when a split, is the next split; its right child, when a split, is the split after
 * its left subtree. Tables and byte widths are what the forest needs (a byte where 256 values suffice), so the
 * same forest always gives the same text. Sizes and load times against version 1: docs/measured-model-format.md.
 */
export const FOREST_V2 = 2;

// Any string here; fromBase64 accepts only whole base64, which a regex would check far more slowly.
const base64 = z.string();
const forestJson = z.object({
  format: z.literal("poisonlab-forest"),
  version: z.literal(FOREST_V2),
  feature_count: z.int().min(1).max(65536),
  class_count: z.int().min(1).max(255),
  tree_count: z.int().min(1),
  feature_bytes: z.union([z.literal(1), z.literal(2)]),
  threshold_bytes: z.union([z.literal(1), z.literal(2), z.literal(4)]),
  thresholds: z.array(base64),
  splits: base64,
  feature: base64,
  threshold: base64,
  left: base64,
  right: base64,
});
type Width = 1 | 2 | 4;
type UintColumn = Uint8Array | Uint16Array | Uint32Array;

/** The v2 value of a forest, its columns in the order they are written; JSON.stringify gives the file's text. */
export function forestV2Json(forest: Forest): z.infer<typeof forestJson> {
  const { featureCount, classCount, trees } = forest;
  if (classCount > 255) throw new Error(`a forest of ${classCount} classes does not fit child bytes`);
  const splitCount = trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const tables = thresholdTables(forest);
  const featureBytes = featureCount <= 256 ? 1 : 2;
  const thresholdBytes = widthFor(Math.max(...tables.map((table) => table.length)));
  const splits = Uint32Array.from(trees, (tree) => tree.feature.length);
  const feature = uintColumn(featureBytes, splitCount);
  const threshold = uintColumn(thresholdBytes, splitCount);
  const left = new Uint8Array(splitCount);
  const right = new Uint8Array(splitCount);
  let at = 0;
  trees.forEach((tree, index) => {
    const size = tree.feature.length;
    for (let node = 0; node < size; node++, at++) {
      const f = tree.feature[node] as number;
      feature[at] = f;
      threshold[at] = lowerBound(tables[f] as Float64Array, tree.threshold[node] as number);
      left[at] = childByte(tree.left[node] as number);
      right[at] = childByte(tree.right[node] as number);
    }
    // The format holds pre-order trees only, which is how trees grow (grow-tree.ts): check, never assume.
    const rebuilt = childIndices(left.subarray(at - size, at), right.subarray(at - size, at));
    if (typeof rebuilt === "string" || !sameArray(rebuilt.left, tree.left) || !sameArray(rebuilt.right, tree.right))
      throw new Error(`forest tree ${index} does not list its splits in pre-order`);
  });
  return {
    format: "poisonlab-forest",
    version: FOREST_V2,
    feature_count: featureCount,
    class_count: classCount,
    tree_count: trees.length,
    feature_bytes: featureBytes,
    threshold_bytes: thresholdBytes,
    thresholds: tables.map(toBase64),
    splits: toBase64(splits),
    feature: toBase64(feature),
    threshold: toBase64(threshold),
    left: toBase64(left),
    right: toBase64(right),
  };
}

/**
 * Reads a v2 forest (the caller has checked format and version). Every count, index and child is checked
 * against the header and the column lengths before use, so a corrupt or truncated column is refused with
 * the file's name rather than making prediction loop or read out of bounds.
 */
export function parseForestV2(value: unknown, source: string): Forest {
  const parsed = forestJson.safeParse(value);
  if (!parsed.success)
    throw new StageError(`${source}: not a poisonlab-forest v2 forest:\n${z.prettifyError(parsed.error)}`);
  const file = parsed.data;
  const fail = (problem: string) => new StageError(`${source}: poisonlab-forest v2: ${problem}`);
  /** A column's numbers, after checking it is canonical base64 of exactly `count` numbers of `width` bytes. */
  const column = (name: string, text: string, width: Width | 8, count?: number) => {
    const bytes = fromBase64(text);
    if (bytes === null) throw fail(`${name} is not base64`);
    if (count === undefined ? bytes.byteLength % width !== 0 : bytes.byteLength !== width * count) {
      const wanted =
        count === undefined ? `whole ${width}-byte numbers` : `${width * count} (${width} for each of ${count})`;
      throw fail(`${name} holds ${bytes.byteLength} bytes, not ${wanted}`);
    }
    return littleEndian(bytes, width);
  };
  if (file.thresholds.length !== file.feature_count)
    throw fail(`${file.thresholds.length} threshold tables for ${file.feature_count} features`);
  const tables = file.thresholds.map(
    (text, f) => column(`the threshold table of feature ${f}`, text, 8) as Float64Array,
  );
  const splits = column("splits", file.splits, 4, file.tree_count) as Uint32Array;
  let splitCount = 0;
  for (let t = 0; t < file.tree_count; t++) {
    if (splits[t] === 0) throw fail(`tree ${t} has no splits`);
    splitCount += splits[t] as number;
  }
  const feature = column("feature", file.feature, file.feature_bytes, splitCount) as UintColumn;
  const threshold = column("threshold", file.threshold, file.threshold_bytes, splitCount) as UintColumn;
  const left = column("left", file.left, 1, splitCount) as Uint8Array;
  const right = column("right", file.right, 1, splitCount) as Uint8Array;
  const trees: Tree[] = [];
  let at = 0;
  for (let t = 0; t < file.tree_count; t++) {
    const size = splits[t] as number;
    const features = new Uint16Array(size);
    const thresholds = new Float64Array(size);
    for (let node = 0; node < size; node++, at++) {
      const f = feature[at] as number;
      if (f >= file.feature_count) throw fail(`tree ${t}: split ${node} uses feature ${f} of ${file.feature_count}`);
      const table = tables[f] as Float64Array;
      const index = threshold[at] as number;
      if (index >= table.length)
        throw fail(`tree ${t}: split ${node} uses threshold ${index} of feature ${f}'s ${table.length}`);
      const l = left[at] as number;
      const r = right[at] as number;
      if (l > file.class_count || r > file.class_count)
        throw fail(`tree ${t}: split ${node} has a leaf of class ${Math.max(l, r) - 1} of ${file.class_count}`);
      features[node] = f;
      thresholds[node] = table[index] as number;
    }
    const children = childIndices(left.subarray(at - size, at), right.subarray(at - size, at));
    if (typeof children === "string") throw fail(`tree ${t}: ${children}`);
    trees.push({ feature: features, threshold: thresholds, left: children.left, right: children.right });
  }
  return { featureCount: file.feature_count, classCount: file.class_count, trees };
}

/** A child's byte: 0 for a split, c + 1 for a leaf voting for class c (tree.ts's reference -c - 1). */
function childByte(reference: number): number {
  return reference >= 0 ? 0 : -reference;
}

/**
 * A pre-order tree's child references from its child bytes: a split's left split child is the next split;
 * its right split child is the split after its left subtree, so pending right children wait on a stack.
 * Returns what is wrong when the bytes describe no tree of exactly this many splits.
 */
function childIndices(leftBytes: Uint8Array, rightBytes: Uint8Array): { left: Int32Array; right: Int32Array } | string {
  const size = leftBytes.length;
  const left = new Int32Array(size);
  const right = new Int32Array(size);
  const waiting = new Int32Array(size); // splits whose right child is the next split once their left subtree ends
  let waitingCount = 0;
  for (let node = 0; node < size; node++) {
    const l = leftBytes[node] as number;
    const r = rightBytes[node] as number;
    if (r === 0) waiting[waitingCount++] = node;
    else right[node] = -r;
    if (l !== 0) left[node] = -l;
    else if (node + 1 < size) {
      left[node] = node + 1;
      continue;
    } else return `split ${node}'s left child is a split, but the tree has no more splits`;
    // The left child is a leaf: the next split, if any, is the right child of the latest split waiting for one.
    if (node + 1 < size) {
      if (waitingCount === 0) return `split ${node + 1} is no split's child`;
      right[waiting[--waitingCount] as number] = node + 1;
    }
  }
  if (waitingCount > 0)
    return `split ${waiting[waitingCount - 1]}'s right child is a split, but the tree has no more splits`;
  return { left, right };
}

/** Each feature's distinct thresholds, ascending; -0 is stored as 0, as JSON wrote it in version 1. */
function thresholdTables(forest: Forest): Float64Array[] {
  const counts = new Int32Array(forest.featureCount);
  for (const tree of forest.trees) for (const f of tree.feature) counts[f] = (counts[f] as number) + 1;
  const values = Array.from(counts, (count) => new Float64Array(count));
  counts.fill(0);
  for (const tree of forest.trees) {
    for (let node = 0; node < tree.feature.length; node++) {
      const f = tree.feature[node] as number;
      (values[f] as Float64Array)[counts[f] as number] = (tree.threshold[node] as number) + 0; // -0 + 0 is 0
      counts[f] = (counts[f] as number) + 1;
    }
  }
  return values.map((all) => {
    all.sort();
    let distinct = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[distinct++] = all[i] as number;
    return all.slice(0, distinct);
  });
}

function widthFor(values: number): Width {
  return values <= 256 ? 1 : values <= 65536 ? 2 : 4;
}

function uintColumn(width: Width, length: number): UintColumn {
  return width === 1 ? new Uint8Array(length) : width === 2 ? new Uint16Array(length) : new Uint32Array(length);
}

// The file's numbers are little-endian; typed arrays use the machine's order, so a big-endian machine swaps.
const MACHINE_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The bytes of a column of numbers, little-endian. */
function toBase64(values: UintColumn | Float64Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const ordered = MACHINE_IS_LITTLE_ENDIAN ? bytes : swapped(bytes, values.BYTES_PER_ELEMENT);
  return Buffer.from(ordered.buffer, ordered.byteOffset, ordered.byteLength).toString("base64");
}

/**
 * The bytes of base64 text, else null. Node's decoder skips characters that are not base64, so the text is
 * whole base64 exactly when its length is a multiple of 4 and it decodes to 3 bytes per 4 characters, less padding.
 */
function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === (text.length / 4) * 3 - padding ? bytes : null;
}

/** Little-endian numbers of `width` bytes in machine order, as a typed array (a copy where alignment needs one). */
function littleEndian(bytes: Uint8Array, width: Width | 8): UintColumn | Float64Array {
  if (width === 1) return bytes;
  const ordered = !MACHINE_IS_LITTLE_ENDIAN
    ? swapped(bytes, width)
    : bytes.byteOffset % width === 0
      ? bytes
      : bytes.slice();
  const Type = width === 2 ? Uint16Array : width === 4 ? Uint32Array : Float64Array;
  return new Type(ordered.buffer as ArrayBuffer, ordered.byteOffset, ordered.byteLength / width);
}

/** A copy with the bytes of each `width`-byte number reversed. */
function swapped(bytes: Uint8Array, width: number): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width)
    for (let b = 0; b < width; b++) copy[i + b] = bytes[i + width - 1 - b] as number;
  return copy;
}

function sameArray(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
