/**
 * A worker thread of the forest pools. Growing (forest-pool.ts): claims tree indices from the shared counter
 * until none are left, grows each tree from the shared (read-only) matrix and sorted or binned columns, and
 * posts it back with its buffers, then ends. Predicting (forest-predict-pool.ts): waits for predictions; for
 * each, claims chunks of rows and walks them, writing their votes into shared memory; a failure is flagged
 * there and described on the task's port.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { walkClaimedChunks } from "../core/forest/forest-predict.ts";
import { growForestTree } from "../core/forest/train-forest.ts";
import type { PoolJob, TreeMessage, WorkerTask } from "./forest-pool.ts";
import type { PredictMessage } from "./forest-predict-pool.ts";

if (parentPort === null) throw new Error("forest-worker.ts runs only as a worker thread of the forest pools");
const port = parentPort;
const task = workerData as WorkerTask;
switch (task.kind) {
  case "grow":
    grow(task.job);
    break;
  case "predict": {
    const errors = task.errors;
    port.on("message", (message: PredictMessage) => predict(message, errors));
    break;
  }
  default:
    throw new Error(`forest-worker.ts: unknown task ${JSON.stringify((task as { kind: unknown }).kind)}`);
}

function grow(job: PoolJob): void {
  for (
    let index = Atomics.add(job.nextTree, 0, 1);
    index < job.settings.trees;
    index = Atomics.add(job.nextTree, 0, 1)
  ) {
    const tree = growForestTree(job.matrix, job.columns, job.settings, index);
    Atomics.add(job.treesGrown, 0, 1);
    const message: TreeMessage = { index, tree };
    port.postMessage(message, [
      tree.feature.buffer,
      tree.threshold.buffer,
      tree.left.buffer,
      tree.right.buffer,
    ] as ArrayBuffer[]);
  }
}

function predict({ job, failed }: PredictMessage, errors: MessagePort): void {
  try {
    walkClaimedChunks(job);
  } catch (error) {
    errors.postMessage(error instanceof Error ? (error.stack ?? error.message) : String(error));
    Atomics.store(failed, 0, 1);
    Atomics.notify(job.chunksDone, 0);
  }
}
