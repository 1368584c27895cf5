import { DETECTORS } from "../defense/methods.ts";
import type { Summary } from "./statistics.ts";

/**
 * What the adversary stage measures and writes to metrics/adversary.json, and the names of what it compares:
 * a module without the code that measures, so the report reads it without loading the forest and the attacks.
 */

/** The label flips compared at equal budgets: chance, one class pair, and the attacker's surrogate. */
export const FLIP_ATTACKS = ["label_flip", "targeted_flip", "adversarial_flip"] as const;
export type FlipAttack = (typeof FLIP_ATTACKS)[number];

/** No defense, then each detector alone: which of them, if any, finds the backdoor rows. */
export const BACKDOOR_DEFENSES = ["none", ...DETECTORS] as const;
export type BackdoorDefense = (typeof BACKDOOR_DEFENSES)[number];

/** A label flip at a rate: clean-test accuracy, and its drop from the same repeat's clean accuracy. */
export interface FlipCell {
  method: FlipAttack;
  rate: number;
  accuracy: Summary;
  drop: Summary;
}

/** A backdoor at a rate, its trigger `beyond` feature ranges past the quantile, against one defense. */
export interface BackdoorCell {
  rate: number;
  beyond: number;
  defense: BackdoorDefense;
  recall: Summary | null;
  attack_success_rate: Summary;
  accuracy: Summary;
}

/** Partition aggregation with k parts: the share of test points correct and certified at >= radius (0: accuracy). */
export interface CertifyCell {
  k: number;
  radius: number;
  certified_accuracy: Summary;
}

/** One data set's adversary study; class and feature names say what the attacks chose. */
export interface DataSetAdversary {
  train_rows: number;
  test_rows: number;
  class_count: number;
  targeted: { source: string; target: string };
  backdoor: { target: string; features: string[] };
  clean_accuracy: Summary;
  flips: FlipCell[];
  backdoors: BackdoorCell[];
  certify: CertifyCell[];
}

/** metrics/adversary.json: the adversary study per data set, in study.datasets order. */
export interface AdversaryResults {
  repeats: number;
  datasets: Record<string, DataSetAdversary>;
}
