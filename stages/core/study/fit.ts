import { trainClassifier } from "../classifier.ts";
import type { Row } from "../dataset.ts";
import type { Classifier } from "../model.ts";
import type { TrainParams } from "../params.ts";

/** Trains a classifier on rows with a given seed; the studies are written against this, not an engine. */
export type Fit = (rows: readonly Row[], seed: number) => Classifier;

export type { Progress } from "../progress.ts";

/**
 * The estimated cost of one fit and its scoring, in units of about 0.2 ms of one core, so progress can weigh a
 * fit on 2,000 rows against one on 120. Fitted to the study's 100-tree poisonlab-forest: about 20 ms per fit
 * plus 0.2 ms per training row, and 0.05 ms per row predicted. Only progress estimates use it; the smoothed
 * rate corrects what it gets wrong on another machine.
 */
export function fitCost(trainRows: number, predictedRows: number): number {
  return 100 + trainRows + predictedRows / 4;
}

export function forestFit(settings: Omit<TrainParams, "seed">): Fit {
  return (rows, seed) => trainClassifier(rows, { ...settings, seed });
}
