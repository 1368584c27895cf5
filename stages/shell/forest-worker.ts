/**
 * A worker thread of the forest pool: claims tree indices from the shared counter until none are left,
 * grows each tree from the shared (read-only) matrix and sorted or binned columns, and posts it back with its buffers.
 */
import { parentPort, workerData } from "node:worker_threads";
import { growForestTree } from "../core/forest/train-forest.ts";
import type { PoolJob, TreeMessage } from "./forest-pool.ts";

const job = workerData as PoolJob;
if (parentPort === null) throw new Error("forest-worker.ts runs only as a worker thread of forest-pool.ts");
for (let index = Atomics.add(job.nextTree, 0, 1); index < job.settings.trees; index = Atomics.add(job.nextTree, 0, 1)) {
  const tree = growForestTree(job.matrix, job.columns, job.settings, index);
  Atomics.add(job.treesGrown, 0, 1);
  const message: TreeMessage = { index, tree };
  parentPort.postMessage(message, [
    tree.feature.buffer,
    tree.threshold.buffer,
    tree.left.buffer,
    tree.right.buffer,
  ] as ArrayBuffer[]);
}
