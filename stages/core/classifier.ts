import type { Row, Schema } from "./dataset.ts";
import { type Classifier, loadModel, modelFileText, trainModel } from "./model.ts";
import type { TrainParams } from "./params.ts";

/**
 * Trains a classifier for use in memory (the study, the defenses' cross-validation). It goes through the
 * model file's JSON on purpose: what is scored is exactly what the train stage would have written.
 */
export function trainClassifier(rows: readonly Row[], params: TrainParams, schema: Schema): Classifier {
  const text = [...modelFileText(trainModel(rows, params, schema))].join("");
  return loadModel(JSON.parse(text), "in-memory model");
}
