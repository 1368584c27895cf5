import type { Row } from "../dataset.ts";
import { combine, detect, keptRows } from "../defense/detect.ts";
import { scoreDetection } from "../defense/detection-metrics.ts";
import { type Detector, detectorsOf } from "../defense/methods.ts";
import { accuracy } from "../metrics.ts";
import { predictLabels } from "../model.ts";
import type { DefenseParams } from "../params.ts";
import { type PoisonMethod, poisonRows } from "../poison.ts";
import { createRng } from "../rng.ts";
import { stratifiedSplit } from "../split.ts";
import type { Fit, Progress } from "./fit.ts";
import { deriveSeed } from "./seeds.ts";
import { type Summary, summarize } from "./statistics.ts";

/** The defenses compared: detectors with the study's forest, regularisation alone, and the label check plus it. */
export const DEFENSES = ["none", "label", "knn", "outlier", "combined", "regularised", "label + regularised"] as const;
export type DefenseName = (typeof DEFENSES)[number];

export interface DefenseStudySpec {
  seed: number;
  repeats: number;
  test_size: number;
  methods: readonly PoisonMethod[];
  rates: readonly number[];
  /** The detectors' knobs (params.yaml's defense section); the outlier share is set to the true contamination. */
  detector: Pick<DefenseParams, "folds" | "k" | "outlier_k" | "knn_threshold">;
}

export interface DefenseCell {
  method: PoisonMethod;
  rate: number;
  defense: DefenseName;
  /** Detection against the truth; null for the defenses that remove nothing. */
  precision: Summary | null;
  recall: Summary | null;
  f1: Summary | null;
  auroc: Summary | null;
  removed: Summary | null;
  accuracy: Summary;
}

/** The study's forest and a regularised one, both taking a seed. */
export interface DefenseFits {
  plain: Fit;
  regularised: Fit;
}

interface Sample {
  precision: number[];
  recall: number[];
  f1: number[];
  auroc: number[];
  removed: number[];
  accuracy: number[];
}

/**
 * For every attack and rate, over `repeats` splits and poisonings drawn exactly as in the degradation study
 * (same seeds, so "none" reproduces its cells): each defense's detection scored against the poison's ground
 * truth, and the clean-test accuracy of a forest trained on the rows it keeps.
 */
export function runDefenseStudy(rows: readonly Row[], spec: DefenseStudySpec, fits: DefenseFits, progress?: Progress): DefenseCell[] {
  const cells = spec.methods.flatMap((method) =>
    spec.rates.map((rate) => ({ method, rate, samples: new Map<DefenseName, Sample>(DEFENSES.map((name) => [name, emptySample()])) })),
  );
  let done = 0;
  for (let repeat = 0; repeat < spec.repeats; repeat++) {
    const { train, test } = stratifiedSplit(rows, spec.test_size, createRng(deriveSeed(spec.seed, "split", repeat)));
    const forestSeed = deriveSeed(spec.seed, "forest", repeat);
    const score = (training: readonly Row[], fit: Fit) =>
      accuracy(test.map((row) => row.label), predictLabels(fit(training, forestSeed), test.map((row) => row.features)));
    for (const cell of cells) {
      const poisoned = poisonRows(train, cell, createRng(deriveSeed(spec.seed, "poison", cell.method, repeat)));
      const detectorParams: DefenseParams = {
        ...spec.detector,
        method: ["label", "knn", "outlier"],
        contamination: poisoned.poisoned.length / poisoned.rows.length,
        seed: 0, // unused: the folds come from the rng below
      };
      const foldRng = () => createRng(deriveSeed(spec.seed, "folds", repeat));
      const plain = detect(poisoned.rows, detectorParams, foldRng(), (part) => fits.plain(part, forestSeed));
      const regularisedLabel = detect(poisoned.rows, { ...detectorParams, method: "label" }, foldRng(), (part) => fits.regularised(part, forestSeed));
      const record = (name: DefenseName, detectors: Detector[], source: typeof plain, fit: Fit) => {
        const sample = cell.samples.get(name) as Sample;
        const result = combine(detectors.map((d) => source.byDetector[d] ?? { scores: [], flags: [] }), poisoned.rows.length);
        if (detectors.length > 0) {
          const scores = scoreDetection(result.flags, result.scores, poisoned.poisoned);
          sample.precision.push(scores.precision);
          sample.recall.push(scores.recall);
          sample.f1.push(scores.f1);
          if (scores.auroc !== null) sample.auroc.push(scores.auroc);
          sample.removed.push(scores.removed);
        }
        sample.accuracy.push(score(keptRows(poisoned.rows, result.flags), fit));
      };
      record("none", [], plain, fits.plain);
      for (const name of ["label", "knn", "outlier", "combined"] as const) record(name, detectorsOf(name), plain, fits.plain);
      record("regularised", [], plain, fits.regularised);
      record("label + regularised", ["label"], regularisedLabel, fits.regularised);
      progress?.(++done, spec.repeats * cells.length);
    }
  }
  return cells.flatMap(({ method, rate, samples }) =>
    DEFENSES.map((defense): DefenseCell => {
      const sample = samples.get(defense) as Sample;
      const maybe = (values: number[]) => (values.length > 0 ? summarize(values) : null);
      return {
        method,
        rate,
        defense,
        precision: maybe(sample.precision),
        recall: maybe(sample.recall),
        f1: maybe(sample.f1),
        auroc: maybe(sample.auroc),
        removed: maybe(sample.removed),
        accuracy: summarize(sample.accuracy),
      };
    }),
  );
}

function emptySample(): Sample {
  return { precision: [], recall: [], f1: [], auroc: [], removed: [], accuracy: [] };
}
