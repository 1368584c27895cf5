import { trainClassifier } from "../classifier.ts";
import type { Row, Schema } from "../dataset.ts";
import type { Classifier } from "../model.ts";
import type { TrainParams } from "../params.ts";

/** Trains a classifier on rows with a given seed; the studies are written against this, not an engine. */
export type Fit = (rows: readonly Row[], seed: number) => Classifier;

/** Called after each unit of work so the shell can print progress. */
export type Progress = (done: number, total: number) => void;

/** A forest with fixed settings whose seed each fit chooses (the studies derive one per repeat). */
export function forestFit(settings: Omit<TrainParams, "seed">, schema: Schema): Fit {
  return (rows, seed) => trainClassifier(rows, { ...settings, seed }, schema);
}
