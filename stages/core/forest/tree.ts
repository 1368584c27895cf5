/**
 * One grown tree, stored as its split nodes only. Split i sends a row with value <= threshold[i] of
 * feature feature[i] to child left[i], the others to right[i]. A child reference >= 0 is the index of
 * another split; a negative reference is a leaf that votes for class (-reference - 1). Split 0 is the root;
 * a tree whose root is already a leaf is stored as one split whose two children are that leaf.
 */
export interface Tree {
  feature: Uint16Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
}

/** The reference a parent stores for a leaf voting for `label`. */
export const leafReference = (label: number): number => -label - 1;

/** The class a tree votes for: walk from the root until a leaf. */
export function treeVote(tree: Tree, columns: readonly Float64Array[], row: number): number {
  let node = 0;
  for (;;) {
    const column = columns[tree.feature[node] as number] as Float64Array;
    const next = (column[row] as number) <= (tree.threshold[node] as number) ? tree.left[node] : tree.right[node];
    if ((next as number) < 0) return -(next as number) - 1;
    node = next as number;
  }
}

/**
 * Each row's votes per class, every tree walked node by node (treeVote): the plain walk that the fast
 * prediction (forest-predict.ts) is checked against, in tests and benchmarks.
 */
export function walkedVotes(
  forest: { classCount: number; trees: readonly Tree[] },
  columns: readonly Float64Array[],
): number[][] {
  return Array.from({ length: columns[0]?.length ?? 0 }, (_, row) => {
    const votes = new Array<number>(forest.classCount).fill(0);
    for (const tree of forest.trees) {
      const label = treeVote(tree, columns, row);
      votes[label] = (votes[label] as number) + 1;
    }
    return votes;
  });
}

/** Collects split nodes while a tree grows; arrays double as needed and are trimmed at the end. */
export class TreeBuilder {
  private feature = new Uint16Array(64);
  private threshold = new Float64Array(64);
  private left = new Int32Array(64);
  private right = new Int32Array(64);
  size = 0;

  /** Adds a split with children still unknown; returns its index. */
  addSplit(feature: number, threshold: number): number {
    if (this.size === this.feature.length) this.grow();
    this.feature[this.size] = feature;
    this.threshold[this.size] = threshold;
    return this.size++;
  }

  setChild(split: number, side: "left" | "right", reference: number): void {
    (side === "left" ? this.left : this.right)[split] = reference;
  }

  finish(): Tree {
    return {
      feature: this.feature.slice(0, this.size),
      threshold: this.threshold.slice(0, this.size),
      left: this.left.slice(0, this.size),
      right: this.right.slice(0, this.size),
    };
  }

  private grow(): void {
    const size = this.feature.length * 2;
    const feature = new Uint16Array(size);
    const threshold = new Float64Array(size);
    const left = new Int32Array(size);
    const right = new Int32Array(size);
    feature.set(this.feature);
    threshold.set(this.threshold);
    left.set(this.left);
    right.set(this.right);
    this.feature = feature;
    this.threshold = threshold;
    this.left = left;
    this.right = right;
  }
}

/**
 * A tree laid out for prediction: splits and leaves alike as nodes in pre-order, so a split's left child is
 * the node right after it, 16 bytes a node in one buffer: node i's threshold is threshold[2i]; links[4i + 2]
 * is its feature, or -1 for a leaf; links[4i + 3] is its right child, or a leaf's class. A step down the
 * tree reads one node, and going left, often the same cache line.
 */
export interface PackedTree {
  threshold: Float64Array;
  links: Int32Array;
}

export function packTree(tree: Tree): PackedTree {
  const capacity = 2 * tree.feature.length + 1; // n splits have at most n + 1 leaves
  const buffer = new ArrayBuffer(16 * capacity);
  const threshold = new Float64Array(buffer);
  const links = new Int32Array(buffer);
  // References still to lay out (a stack), each with the node whose right child it is (-1: a left child).
  const pending = new Int32Array(capacity);
  const rightOf = new Int32Array(capacity);
  pending[0] = 0;
  rightOf[0] = -1;
  let size = 1;
  let next = 0;
  while (size > 0) {
    size--;
    const reference = pending[size] as number;
    const parent = rightOf[size] as number;
    const node = next++;
    if (parent >= 0) links[4 * parent + 3] = node;
    if (reference < 0) {
      links[4 * node + 2] = -1;
      links[4 * node + 3] = -reference - 1;
      continue;
    }
    threshold[2 * node] = tree.threshold[reference] as number;
    links[4 * node + 2] = tree.feature[reference] as number;
    pending[size] = tree.right[reference] as number;
    rightOf[size++] = node;
    pending[size] = tree.left[reference] as number; // on top: laid out next, right after its parent
    rightOf[size++] = -1;
  }
  return { threshold: threshold.subarray(0, 2 * next), links: links.subarray(0, 4 * next) };
}
