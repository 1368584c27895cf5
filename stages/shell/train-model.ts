import { availableParallelism } from "node:os";
import type { Schema } from "../core/dataset.ts";
import { StageError } from "../core/errors.ts";
import { forestSettings, threadsWorthUsing } from "../core/forest/engine.ts";
import { ForestFile } from "../core/forest/forest-file.ts";
import type { FeatureMatrix } from "../core/forest/matrix.ts";
import { type ModelFile, trainModel, wrapModel } from "../core/model.ts";
import type { TrainParams } from "../core/params.ts";
import { trainForestInThreads } from "./forest-pool.ts";

/** POISONLAB_THREADS caps the threads of a poisonlab-forest; the trees are the same for any value. */
export const THREADS_VARIABLE = "POISONLAB_THREADS";

/**
 * Trains params.engine: poisonlab-forest on worker threads where the forest is big enough to pay for
 * them, anything else in this thread. Returns the model file, ready for modelFileText.
 */
export async function trainModelOnThreads(
  matrix: FeatureMatrix,
  params: TrainParams,
  schema: Schema,
): Promise<{ model: ModelFile; threads: number }> {
  const threads =
    params.engine === "poisonlab-forest" ? threadsWorthUsing(matrix.rowCount, params.n_estimators, threadLimit()) : 1;
  if (threads === 1) return { model: trainModel(matrix, params, schema), threads };
  const forest = await trainForestInThreads(matrix, forestSettings(params, matrix.columns.length), threads);
  return { model: wrapModel(params, schema, new ForestFile(forest)), threads };
}

function threadLimit(): number {
  const value = process.env[THREADS_VARIABLE];
  if (value === undefined || value === "") return availableParallelism();
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new StageError(
      `${THREADS_VARIABLE} = "${value}": expected a whole number of threads, at least 1 (unset: one per core)`,
    );
  }
  return threads;
}
