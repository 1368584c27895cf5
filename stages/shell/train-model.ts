import { availableParallelism } from "node:os";
import type { Schema } from "../core/dataset.ts";
import { StageError } from "../core/errors.ts";
import { excerpt } from "../core/excerpt.ts";
import { forestSettings, threadsWorthUsing } from "../core/forest/engine.ts";
import { ForestFile } from "../core/forest/forest-file.ts";
import type { FeatureMatrix } from "../core/forest/matrix.ts";
import { type ModelFile, trainModel, wrapModel } from "../core/model.ts";
import type { TrainParams } from "../core/params.ts";
import { type Progress, uniformStep } from "../core/progress.ts";
import { trainForestInThreads } from "./forest-pool.ts";

/** POISONLAB_THREADS caps the threads of a poisonlab-forest; the trees are the same for any value. */
export const THREADS_VARIABLE = "POISONLAB_THREADS";

/**
 * Trains params.engine: poisonlab-forest on worker threads where the forest is big enough to pay for
 * them (else in this thread only), anything else in this thread. Returns the model file, ready for modelFileText. `progress` hears of
 * every tree grown on threads (the forests worth threads are the ones that take long).
 */
export async function trainModelOnThreads(
  matrix: FeatureMatrix,
  params: TrainParams,
  schema: Schema,
  progress?: Progress,
): Promise<{ model: ModelFile; threads: number }> {
  const threads = threadsFor[params.engine](matrix.rowCount, params.n_estimators);
  // A poisonlab-forest always goes through the pool, on one thread too, so progress counts its trees; the
  // pool's forest is the same as trainModel's for any thread count.
  if (params.engine !== "poisonlab-forest") return { model: trainModel(matrix, params, schema), threads };
  const forest = await trainForestInThreads(matrix, forestSettings(params, matrix.columns.length), threads, {
    onTreesGrown: (grown, total) => progress?.(uniformStep(grown, total)),
  });
  return { model: wrapModel(params, schema, new ForestFile(forest)), threads };
}

/** Threads each engine can use; an engine added to ENGINES without an entry here is a type error. */
const threadsFor: Record<TrainParams["engine"], (rowCount: number, trees: number) => number> = {
  "ml-random-forest": () => 1,
  "poisonlab-forest": (rowCount, trees) => threadsWorthUsing(rowCount, trees, threadLimit()),
};

/** The threads a forest may use: POISONLAB_THREADS, else one per core. */
export function threadLimit(): number {
  const value = process.env[THREADS_VARIABLE];
  if (value === undefined || value === "") return availableParallelism();
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new StageError(
      `${THREADS_VARIABLE} = "${excerpt(value)}": expected a whole number of threads, at least 1 (unset: one per core)`,
    );
  }
  return threads;
}
