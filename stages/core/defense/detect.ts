import type { Train } from "../classifier.ts";
import type { Row } from "../dataset.ts";
import { StageError } from "../errors.ts";
import type { DefenseParams } from "../params.ts";
import type { Rng } from "../rng.ts";
import { findLabelIssues } from "./confident-learning.ts";
import { knnDisagreement } from "./knn-disagreement.ts";
import { type Detector, detectorsOf } from "./methods.ts";
import { nearestNeighbours } from "./neighbours.ts";
import { outOfFoldProbabilities } from "./out-of-fold.ts";
import { knnDistanceOutliers } from "./outlier.ts";
import { rankScores } from "./ranks.ts";
import { standardize } from "./standardize.ts";

export interface DetectorResult {
  /** Higher means more suspicious; comparable only within one detector. */
  scores: number[];
  flags: boolean[];
}

export interface Detection extends DetectorResult {
  detectors: Detector[];
  byDetector: Partial<Record<Detector, DetectorResult>>;
  /** The label check's most probable class per row (out of fold), when it ran. */
  suggested: number[] | null;
}

/**
 * Runs the detectors `params.method` names on a (possibly poisoned) training set. Pure: the rng drives the
 * fold assignment, `train` trains the forest behind the label check. With one detector its scores and flags
 * are the result; with several a row is flagged when any flags it, and its score is the highest of its
 * rank-scaled scores.
 */
export function detect(rows: readonly Row[], params: DefenseParams, rng: Rng, train: Train): Detection {
  const detectors = detectorsOf(params.method);
  if (detectors.includes("label") && rows.length < params.folds) {
    throw new StageError(
      `defense.folds = ${params.folds} needs at least as many training rows; there are ${rows.length}`,
    );
  }
  const labels = rows.map((row) => row.label);
  const scaled = detectors.some((d) => d !== "label") ? standardize(rows.map((row) => row.features)) : [];
  const byDetector: Partial<Record<Detector, DetectorResult>> = {};
  let suggested: number[] | null = null;
  // One entry per detector: a detector added to DETECTORS without one here is a type error.
  const runDetector: Record<Detector, () => DetectorResult> = {
    label: () => {
      const issues = findLabelIssues(labels, outOfFoldProbabilities(rows, params.folds, rng, train));
      suggested = issues.suggested;
      return { scores: issues.scores, flags: issues.flags };
    },
    knn: () => knnDisagreement(labels, nearestNeighbours(scaled, params.k), params.knn_threshold),
    outlier: () => knnDistanceOutliers(nearestNeighbours(scaled, params.outlier_k), params.contamination),
  };
  for (const detector of detectors) byDetector[detector] = runDetector[detector]();
  return { ...combine(Object.values(byDetector), rows.length), detectors, byDetector, suggested };
}

/** One detector's result as is; several: union of flags, maximum of rank-scaled scores; none: nothing flagged. */
export function combine(results: readonly DetectorResult[], rowCount: number): DetectorResult {
  const [first] = results;
  if (first === undefined) return { scores: new Array(rowCount).fill(0), flags: new Array(rowCount).fill(false) };
  if (results.length === 1) return first;
  const ranked = results.map((result) => rankScores(result.scores));
  return {
    scores: Array.from({ length: rowCount }, (_, i) => Math.max(...ranked.map((scores) => scores[i] as number))),
    flags: Array.from({ length: rowCount }, (_, i) => results.some((result) => result.flags[i] === true)),
  };
}

/** The rows a detection keeps, in their original order; a defense that would keep none is a StageError. */
export function keptRows<T>(rows: readonly T[], flags: readonly boolean[]): T[] {
  const kept = rows.filter((_, i) => flags[i] !== true);
  if (kept.length === 0 && rows.length > 0) {
    throw new StageError(
      `the defense flagged all ${rows.length} training rows, leaving nothing to train on; check defense.method and its thresholds`,
    );
  }
  return kept;
}
