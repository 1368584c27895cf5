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
