import { attackSuccessRate } from "../attacks/backdoor.ts";
import type { BackdoorOptions } from "../attacks/options.ts";
import { detect, keptRows } from "../defense/detect.ts";
import { scoreDetection } from "../defense/detection-metrics.ts";
import { DETECTORS } from "../defense/methods.ts";
import type { DefenseParams } from "../params.ts";
import { poisonRows } from "../poison.ts";
import { createRng, deriveSeed } from "../rng.ts";
import { BACKDOOR_DEFENSES, type BackdoorDefense } from "./adversary-results.ts";
import { fitForest, type RepeatContext, testAccuracy } from "./repeat-context.ts";

/** The detectors' knobs (params.yaml's defense section); the outlier share is set to the true contamination. */
export type DetectorKnobs = Pick<DefenseParams, "folds" | "k" | "outlier_k" | "knn_threshold">;

export interface BackdoorMeasurement {
  defense: BackdoorDefense;
  /** Share of the backdoor rows the detector flagged; null for no defense. */
  recall: number | null;
  attack_success_rate: number;
  accuracy: number;
}

/**
 * One backdoored training set, then every defense on it: the rows each detector flags are removed, a forest
 * is trained on the rest and scored on the clean test split, clean and with the trigger stamped on.
 */
export function backdoorMeasurements(
  context: RepeatContext,
  rate: number,
  backdoor: BackdoorOptions,
  detector: DetectorKnobs,
): BackdoorMeasurement[] {
  const rng = createRng(deriveSeed(context.seed, "poison", "backdoor", context.repeat));
  const poisoned = poisonRows(context.train, { method: "backdoor", rate, options: { backdoor } }, rng, context.schema);
  const params: DefenseParams = {
    ...detector,
    method: [...DETECTORS],
    contamination: poisoned.poisoned.length / poisoned.rows.length,
    seed: 0, // unused: the folds come from the rng below
  };
  const detection = detect(
    poisoned.rows,
    params,
    createRng(deriveSeed(context.seed, "folds", context.repeat)),
    (part) => fitForest(context, part),
  );
  return BACKDOOR_DEFENSES.map((defense) => {
    const found = defense === "none" ? undefined : detection.byDetector[defense];
    const flags = found?.flags ?? poisoned.rows.map(() => false);
    const model = fitForest(context, keptRows(poisoned.rows, flags));
    const success = attackSuccessRate(model, context.test, backdoor);
    // A stratified split holds every class in the test split, so there are always rows of other classes.
    if (success === null) throw new Error("backdoor study: no test row of a class other than the target");
    return {
      defense,
      recall: found === undefined ? null : scoreDetection(found.flags, found.scores, poisoned.poisoned).recall,
      attack_success_rate: success,
      accuracy: testAccuracy(context, model),
    };
  });
}
