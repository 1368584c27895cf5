import type { TrainWithSeed } from "../classifier.ts";
import type { Dataset } from "../dataset.ts";
import { combine, type Detection, detect, keptRows } from "../defense/detect.ts";
import { scoreDetection } from "../defense/detection-metrics.ts";
import { DETECTORS, type Detector, detectorsOf } from "../defense/methods.ts";
import { accuracy } from "../metrics.ts";
import { predictLabels } from "../model.ts";
import type { DefenseParams } from "../params.ts";
import { poisonRows, type RandomAttack } from "../poison.ts";
import type { Progress } from "../progress.ts";
import { uniformStep } from "../progress.ts";
import { createRng, deriveSeed } from "../rng.ts";
import { stratifiedSplit } from "../split.ts";
import { type Summary, summarize } from "./statistics.ts";

/** A defense: the detectors whose flags it removes (none: keep every row) and the forest, by name, it trains. */
export interface DefenseVariant {
  name: string;
  detectors: readonly Detector[];
  forest: string;
}

/** The study's defenses: each detector with the study's forest, regularisation alone, and the label check plus it. */
export const STUDY_DEFENSES: readonly DefenseVariant[] = [
  { name: "none", detectors: [], forest: "plain" },
  { name: "label", detectors: ["label"], forest: "plain" },
  { name: "knn", detectors: ["knn"], forest: "plain" },
  { name: "outlier", detectors: ["outlier"], forest: "plain" },
  { name: "combined", detectors: detectorsOf("combined"), forest: "plain" },
  { name: "regularised", detectors: [], forest: "regularised" },
  { name: "label + regularised", detectors: ["label"], forest: "regularised" },
];

export interface DefenseStudySpec {
  seed: number;
  repeats: number;
  test_size: number;
  methods: readonly RandomAttack[];
  rates: readonly number[];
  /** The detectors' knobs (params.yaml's defense section); the outlier share is set to the true contamination. */
  detector: Pick<DefenseParams, "folds" | "k" | "outlier_k" | "knn_threshold">;
}

export interface DefenseCell {
  method: RandomAttack;
  rate: number;
  defense: string;
  /** Detection against the truth; null for the defenses that remove nothing. */
  precision: Summary | null;
  recall: Summary | null;
  f1: Summary | null;
  auroc: Summary | null;
  removed: Summary | null;
  accuracy: Summary;
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
 * truth, and the clean-test accuracy of a forest trained on the rows it keeps. `forests` names the forests the
 * variants use; the label check's out-of-fold probabilities come from the variant's own forest.
 */
export function runDefenseStudy(
  { rows, schema }: Dataset,
  spec: DefenseStudySpec,
  forests: Readonly<Record<string, TrainWithSeed>>,
  variants: readonly DefenseVariant[] = STUDY_DEFENSES,
  progress?: Progress,
): DefenseCell[] {
  const forestOf = (name: string): TrainWithSeed => {
    const forest = forests[name];
    if (!forest) throw new Error(`defense study: no forest named "${name}"`);
    return forest;
  };
  const cells = spec.methods.flatMap((method) =>
    spec.rates.map((rate) => ({
      method,
      rate,
      samples: new Map<string, Sample>(variants.map((variant) => [variant.name, emptySample()])),
    })),
  );
  let done = 0;
  for (let repeat = 0; repeat < spec.repeats; repeat++) {
    const { train, test } = stratifiedSplit(rows, spec.test_size, createRng(deriveSeed(spec.seed, "split", repeat)));
    const forestSeed = deriveSeed(spec.seed, "forest", repeat);
    for (const cell of cells) {
      const poisoned = poisonRows(train, cell, createRng(deriveSeed(spec.seed, "poison", cell.method, repeat)), schema);
      // Each forest's detectors run once per data set; every variant on that forest combines their results.
      const detections = new Map<string, Detection>();
      const detectionFor = (variant: DefenseVariant): Detection => {
        const known = detections.get(variant.forest);
        if (known) return known;
        const needed = DETECTORS.filter((d) =>
          variants.some((v) => v.forest === variant.forest && v.detectors.includes(d)),
        );
        const params: DefenseParams = {
          ...spec.detector,
          method: needed,
          contamination: poisoned.poisoned.length / poisoned.rows.length,
          seed: 0, // unused: the folds come from the rng below
        };
        const train = forestOf(variant.forest);
        const found = detect(poisoned.rows, params, createRng(deriveSeed(spec.seed, "folds", repeat)), (part) =>
          train(part, forestSeed),
        );
        detections.set(variant.forest, found);
        return found;
      };
      for (const variant of variants) {
        const sample = cell.samples.get(variant.name) as Sample;
        const detection = variant.detectors.length > 0 ? detectionFor(variant) : null;
        const result = combine(
          variant.detectors.map((d) => detection?.byDetector[d] ?? { scores: [], flags: [] }),
          poisoned.rows.length,
        );
        if (detection) {
          const scores = scoreDetection(result.flags, result.scores, poisoned.poisoned);
          sample.precision.push(scores.precision);
          sample.recall.push(scores.recall);
          sample.f1.push(scores.f1);
          if (scores.auroc !== null) sample.auroc.push(scores.auroc);
          sample.removed.push(scores.removed);
        }
        const model = forestOf(variant.forest)(keptRows(poisoned.rows, result.flags), forestSeed);
        sample.accuracy.push(
          accuracy(
            test.map((row) => row.label),
            predictLabels(
              model,
              test.map((row) => row.features),
            ),
          ),
        );
      }
      // One step per poisoned data set (attack, rate, repeat), every defense run on it; they cost about the same.
      progress?.(uniformStep(++done, spec.repeats * cells.length));
    }
  }
  return cells.flatMap(({ method, rate, samples }) =>
    variants.map((variant): DefenseCell => {
      const sample = samples.get(variant.name) as Sample;
      const maybe = (values: number[]) => (values.length > 0 ? summarize(values) : null);
      return {
        method,
        rate,
        defense: variant.name,
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
