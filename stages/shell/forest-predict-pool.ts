import { performance } from "node:perf_hooks";
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { threadsWorthUsing } from "../core/forest/engine.ts";
import {
  chunkCount,
  type JobRunner,
  type PredictJob,
  walkClaimedChunks,
  walkInThisThread,
} from "../core/forest/forest-predict.ts";
import { startForestWorker } from "./forest-pool.ts";
import { threadLimit } from "./train-model.ts";

/**
 * Walks a poisonlab-forest prediction on up to `threads` threads (default: as many as train would use,
 * POISONLAB_THREADS or one per core), when the rows times the trees pay for starting workers; small
 * predictions stay in this thread. This thread walks chunks from the start and the workers join in once
 * they have started; this thread then waits for the chunks they claimed. The classifier's methods stay
 * synchronous: the wait is Atomics.wait, and workers need nothing from this thread's event loop. Each
 * chunk's rows collect whole-number votes, so the result is the same for any number of threads.
 * `walkHereToo: false` leaves every chunk to the workers (tests use it to make sure they walk).
 */
export function walkOnThreads(threads?: number, { walkHereToo = true }: { walkHereToo?: boolean } = {}): JobRunner {
  return (job) => {
    const wanted = predictThreads(job.rowCount, job.forest.roots.length, threads);
    if (wanted <= 1 && walkHereToo) return walkInThisThread(job);
    walkWithWorkers(job, walkHereToo ? wanted - 1 : wanted, walkHereToo);
  };
}

/** The threads walkOnThreads uses for `rowCount` rows: at most one per chunk of rows. */
export function predictThreads(rowCount: number, trees: number, threads?: number): number {
  return Math.min(threadsWorthUsing(rowCount, trees, threads ?? threadLimit()), Math.max(1, chunkCount(rowCount)));
}

/** A prediction for a worker: its job, and where to flag a failure (1) for the waiting thread. */
export interface PredictMessage {
  job: PredictJob;
  failed: Int32Array;
}

/**
 * The prediction workers of this process, started when a prediction first needs them and kept for the next:
 * a worker takes 40 ms to start from its bundle (far longer from sources, through tsx), and the evaluate stage
 * predicts two or three times. Each has a channel on which it describes a failure, which this thread reads
 * synchronously. They are unref'd: they never keep the process alive.
 */
const workers: Array<{ worker: Worker; errors: MessagePort }> = [];

function workersFor(count: number): typeof workers {
  while (workers.length < count) {
    const { port1, port2 } = new MessageChannel();
    const worker = startForestWorker({ kind: "predict", errors: port2 }, [port2]);
    // A worker that failed to start claimed no chunk; predictions finish without it, but the stage must not pass.
    worker.on("error", (error) => {
      process.exitCode = 1;
      console.error(`a forest prediction worker failed: ${error.stack ?? error}`);
    });
    worker.unref();
    port1.unref();
    workers.push({ worker, errors: port1 });
  }
  return workers.slice(0, count);
}

// A waiting thread re-checks on this period; a worker that fails flags it and wakes the waiter at once.
const WAIT_MS = 1000;
/**
 * A worker that dies without throwing (killed, out of memory) cannot flag it, and this thread, blocked in
 * Atomics.wait, never sees its exit event. A chunk takes well under a second even for the 1M-row forest, so
 * this long without one finished means a worker is gone: the stage fails instead of hanging.
 */
const STALL_MS = 120_000;

function walkWithWorkers(job: PredictJob, workerCount: number, walkHereToo: boolean): void {
  const failed = new Int32Array(new SharedArrayBuffer(4));
  const helpers = workersFor(workerCount);
  const message: PredictMessage = { job, failed };
  for (const { worker } of helpers) worker.postMessage(message);
  if (walkHereToo) walkClaimedChunks(job);
  let progressAt = performance.now();
  for (let done = Atomics.load(job.chunksDone, 0); done < job.chunkCount; ) {
    if (Atomics.load(failed, 0) !== 0) {
      const text = helpers.map(({ errors }) => receiveMessageOnPort(errors)?.message).find((m) => m !== undefined);
      throw new Error(`a forest prediction worker failed: ${text ?? "(no message)"}`);
    }
    if (performance.now() - progressAt > STALL_MS) {
      throw new Error(
        `a forest prediction worker stopped: no chunk of rows finished in ${STALL_MS / 1000} s (${done} of ${job.chunkCount} done)`,
      );
    }
    Atomics.wait(job.chunksDone, 0, done, WAIT_MS);
    const now = Atomics.load(job.chunksDone, 0);
    if (now !== done) progressAt = performance.now();
    done = now;
  }
}
