import { trainClassifier } from "../classifier.ts";
import type { Schema } from "../dataset.ts";
import type { TrainParams } from "../params.ts";
import type { TrainFn } from "./out-of-fold.ts";

/** The pipeline's own forest (same engine, settings and seed as the train stage) as a TrainFn for out-of-fold probabilities. */
export function forestTrainer(params: TrainParams, schema: Schema): TrainFn {
  return (rows) => trainClassifier(rows, params, schema);
}
