import type { Row } from "../dataset.ts";
import type { Classifier } from "../model.ts";

/** Trains a classifier on rows with a given seed; the study is written against this, not an engine. */
export type Fit = (rows: readonly Row[], seed: number) => Classifier;

/** Called after each unit of work so the shell can print progress. */
export type Progress = (done: number, total: number) => void;
