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

/** Trains a classifier on rows: what the label check's cross-validation calls for each fold. */
export type Train = (rows: readonly Row[]) => Classifier;

/** Trains a classifier on rows with a given seed: what the studies call, with one seed per repeat. */
export type TrainWithSeed = (rows: readonly Row[], seed: number) => Classifier;

/** The pipeline's own forest: the same engine, settings and seed as the train stage. */
export function pipelineForest(params: TrainParams, schema: Schema): Train {
  return (rows) => trainClassifier(rows, params, schema);
}

/** A forest with fixed settings whose seed each call chooses (the studies derive one per repeat). */
export function seededForest(settings: Omit<TrainParams, "seed">, schema: Schema): TrainWithSeed {
  return (rows, seed) => trainClassifier(rows, { ...settings, seed }, schema);
}
