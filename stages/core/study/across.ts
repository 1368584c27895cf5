import type { TrainWithSeed } from "../classifier.ts";
import type { Dataset } from "../dataset.ts";
import type { DefenseParams } from "../params.ts";
import type { Progress } from "../progress.ts";
import { createRng } from "../rng.ts";
import { stratifiedSplit } from "../split.ts";
import { type DefenseCell, runDefenseStudy, STUDY_DEFENSES } from "./defenses.ts";
import { type DegradationCell, runDegradation } from "./degradation.ts";

/**
 * The study across data sets: label_flip only, the original project's attack, on every data set in
 * study.datasets with the study's seeds, so that IRIS's cells here equal its label_flip cells in the full study.
 */
export const ACROSS_METHOD = "label_flip";

/**
 * The defenses across data sets: every study defense but "label + regularised", whose label check on the
 * regularised forest costs five more forests per poisoned data set and adds one variant of the label check.
 */
export const ACROSS_DEFENSES = STUDY_DEFENSES.filter((variant) => variant.name !== "label + regularised");

export interface AcrossSpec {
  seed: number;
  repeats: number;
  test_size: number;
  across: { rates: readonly number[]; defense_rates: readonly number[]; defense_repeats: number };
}

/** One data set's degradation under label_flip, with the split sizes the report names. */
export interface DataSetDegradation {
  train_rows: number;
  test_rows: number;
  class_count: number;
  degradation: DegradationCell[];
}

/** metrics/study-datasets.json: the degradation per data set, in study.datasets order. */
export interface AcrossResults {
  repeats: number;
  datasets: Record<string, DataSetDegradation>;
}

/** metrics/defenses-datasets.json: the defense cells per data set, in study.datasets order. */
export interface AcrossDefenses {
  repeats: number;
  datasets: Record<string, DefenseCell[]>;
}

/** Clean-test accuracy under label_flip at each of study.across.rates, over study.repeats fresh splits. */
export function runAcrossDegradation(
  data: Dataset,
  spec: AcrossSpec,
  trainWithSeed: TrainWithSeed,
  progress?: Progress,
): DataSetDegradation {
  const trainRows = stratifiedSplit(data.rows, spec.test_size, createRng(0)).train.length; // does not depend on the seed
  const degradation = runDegradation(
    data,
    {
      seed: spec.seed,
      repeats: spec.repeats,
      test_size: spec.test_size,
      methods: [ACROSS_METHOD],
      rates: spec.across.rates,
    },
    trainWithSeed,
    progress,
  );
  return {
    train_rows: trainRows,
    test_rows: data.rows.length - trainRows,
    class_count: data.schema.classes.length,
    degradation,
  };
}

/** The defenses against label_flip at study.across.defense_rates, over study.across.defense_repeats splits. */
export function runAcrossDefenses(
  data: Dataset,
  spec: AcrossSpec & { detector: Pick<DefenseParams, "folds" | "k" | "outlier_k" | "knn_threshold"> },
  forests: Readonly<Record<string, TrainWithSeed>>,
  progress?: Progress,
): DefenseCell[] {
  return runDefenseStudy(
    data,
    {
      seed: spec.seed,
      repeats: spec.across.defense_repeats,
      test_size: spec.test_size,
      methods: [ACROSS_METHOD],
      rates: spec.across.defense_rates,
      detector: spec.detector,
    },
    forests,
    ACROSS_DEFENSES,
    progress,
  );
}

/** The defense with the best mean clean-test accuracy at a rate (ties: the one listed first), null if unmeasured. */
export function bestDefense(cells: readonly DefenseCell[], rate: number): DefenseCell | null {
  const here = cells.filter((cell) => cell.method === ACROSS_METHOD && cell.rate === rate);
  if (here.length === 0) return null;
  return here.reduce((a, b) => (b.accuracy.mean > a.accuracy.mean ? b : a));
}
