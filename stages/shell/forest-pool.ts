import { type MessagePort, type TransferListItem, Worker } from "node:worker_threads";
import type { BinnedMatrix } from "../core/forest/bins.ts";
import type { ForestColumns } from "../core/forest/grow-tree.ts";
import type { FeatureMatrix } from "../core/forest/matrix.ts";
import type { SortedColumn } from "../core/forest/presort.ts";
import { type Forest, type ForestSettings, forestColumns, growForestTree } from "../core/forest/train-forest.ts";
import type { Tree } from "../core/forest/tree.ts";

/**
 * Grows a poisonlab-forest's trees on `threads` threads: this one and threads - 1 workers. The matrix and
 * the sorted (or binned) columns go once into shared memory that every thread reads; each thread claims the next tree
 * index from a shared counter until none is left, and every tree lands at its index. A tree depends only
 * on the forest seed and its index, so the forest is the same for any number of threads. This thread
 * grows trees too, so the workers' start-up (loading TypeScript) delays nothing.
 */

export interface PoolJob {
  matrix: FeatureMatrix;
  columns: ForestColumns;
  settings: ForestSettings;
  /** The next unclaimed tree index, shared by all threads (Atomics.add). */
  nextTree: Int32Array;
  /** How many trees are grown, in any thread: counted for progress, before a tree is posted back. */
  treesGrown: Int32Array;
}
/** What a forest worker does: grow trees (this file) or walk prediction chunks (forest-predict-pool.ts). */
export type WorkerTask = { kind: "grow"; job: PoolJob } | { kind: "predict"; errors: MessagePort };

export interface TreeMessage {
  index: number;
  tree: Tree;
}

export interface PoolOptions {
  /** False keeps this thread free: `threads` workers grow every tree (tests use it to make sure they do). */
  growInThisThread?: boolean;
  /** Told the trees grown so far, in all threads, after each tree this thread grows or receives. */
  onTreesGrown?: (grown: number, total: number) => void;
}

export async function trainForestInThreads(
  matrix: FeatureMatrix,
  settings: ForestSettings,
  threads: number,
  { growInThisThread = true, onTreesGrown }: PoolOptions = {},
): Promise<Forest> {
  const job: PoolJob = {
    matrix: sharedMatrix(matrix),
    columns: sharedColumns(forestColumns(matrix, settings)),
    settings,
    nextTree: new Int32Array(new SharedArrayBuffer(4)),
    treesGrown: new Int32Array(new SharedArrayBuffer(4)),
  };
  const trees = new Array<Tree | undefined>(settings.trees).fill(undefined);
  let missing = settings.trees;
  let allGrown: () => void = () => {};
  let failed: (error: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    allGrown = resolve;
    failed = reject;
  });
  done.catch(() => undefined); // a worker failing after this thread grew every tree is no failure
  // Progress reads the shared count: this thread is busy growing while workers' trees wait in its queue.
  let reported = 0;
  const reportGrown = () => {
    const grown = Atomics.load(job.treesGrown, 0);
    if (grown <= reported) return;
    reported = grown;
    onTreesGrown?.(grown, settings.trees);
  };
  const place = (index: number, tree: Tree) => {
    trees[index] = tree;
    if (--missing === 0) allGrown();
    reportGrown();
  };
  const workerCount = Math.min(threads, settings.trees) - (growInThisThread ? 1 : 0);
  const workers = Array.from({ length: Math.max(0, workerCount) }, () => {
    const worker = startForestWorker({ kind: "grow", job });
    worker.on("message", ({ index, tree }: TreeMessage) => place(index, tree));
    worker.on("error", failed);
    worker.on("exit", (code) => code !== 0 && failed(new Error(`a forest worker stopped with exit code ${code}`)));
    return worker;
  });
  try {
    while (growInThisThread || workers.length === 0) {
      const index = Atomics.add(job.nextTree, 0, 1);
      if (index >= settings.trees) break;
      const tree = growForestTree(job.matrix, job.columns, settings, index);
      Atomics.add(job.treesGrown, 0, 1);
      place(index, tree);
    }
    if (missing > 0) await done; // trees that workers claimed and are still growing
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return { featureCount: matrix.columns.length, classCount: matrix.classCount, trees: trees as Tree[] };
}

/** The worker's bundle, beside the stage bundles in build/ (stages/build.mjs names it). */
const WORKER_BUNDLE = "./forest-worker.mjs";

/**
 * In a stage bundle (build/<stage>.mjs, what dvc runs) the worker is the bundle the build stage wrote beside
 * it, build/forest-worker.mjs. From source, tsx's loader hooks do not reach worker threads in Node 20, so the
 * worker is a one-line script that loads forest-worker.ts through tsx's API; `node --import tsx` already put
 * tsx within reach.
 */
export function startForestWorker(task: WorkerTask, transferList: TransferListItem[] = []): Worker {
  const options = { workerData: task, transferList };
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL(WORKER_BUNDLE, import.meta.url), options);
  const api = import.meta.resolve("tsx/esm/api");
  const script = new URL("./forest-worker.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(script)}, ${JSON.stringify(script)}))`;
  return new Worker(bootstrap, { eval: true, ...options });
}

function sharedMatrix(matrix: FeatureMatrix): FeatureMatrix {
  return {
    ...matrix,
    columns: matrix.columns.map((column) => shared(column, Float64Array)),
    labels: shared(matrix.labels, Uint8Array),
  };
}

function sharedColumns(columns: ForestColumns): ForestColumns {
  return columns.kind === "sorted"
    ? { kind: "sorted", sorted: columns.sorted.map(sharedSortedColumn) }
    : { kind: "binned", binned: sharedBinnedMatrix(columns.binned) };
}

function sharedSortedColumn(column: SortedColumn): SortedColumn {
  return {
    rows: shared(column.rows, Int32Array),
    values: shared(column.values, Float64Array),
    labels: shared(column.labels, Uint8Array),
  };
}

function sharedBinnedMatrix(binned: BinnedMatrix): BinnedMatrix {
  return {
    ...binned,
    bins: shared(binned.bins, Uint8Array),
    lower: binned.lower.map((edges) => shared(edges, Float64Array)),
    upper: binned.upper.map((edges) => shared(edges, Float64Array)),
  };
}

type TypedArrayOf<T> = { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

/** A copy of a typed array in a SharedArrayBuffer: workers receive it without copying. */
function shared<T extends Float64Array | Int32Array | Uint8Array>(source: T, Kind: TypedArrayOf<T>): T {
  const copy = new Kind(new SharedArrayBuffer(source.length * Kind.BYTES_PER_ELEMENT));
  copy.set(source as never);
  return copy;
}
