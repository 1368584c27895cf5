/**
 * What the chosen attacks need besides a rate and an rng, resolved from params.yaml against the data's schema
 * (class names become class indices, feature names feature indices). Random attacks need none of it.
 */

/** targeted_flip: rows of class `source` become class `target`. */
export interface TargetedOptions {
  source: number;
  target: number;
}

/** adversarial_flip: the attacker's surrogate, a poisonlab-forest scored out-of-fold. */
export interface AdversarialOptions {
  folds: number;
  trees: number;
}

/** A backdoor trigger: these features (schema indices) set to these values. */
export interface Trigger {
  features: number[];
  values: number[];
}

/** backdoor: the trigger stamped on rows of other classes, which are relabelled `target`. */
export interface BackdoorOptions {
  target: number;
  trigger: Trigger;
}

export interface AttackOptions {
  targeted?: TargetedOptions;
  adversarial?: AdversarialOptions;
  backdoor?: BackdoorOptions;
}

/** The options a chosen attack cannot run without; missing ones are a programming error, not bad params. */
export function required<T>(value: T | undefined, method: string): T {
  if (value === undefined) throw new Error(`${method} was called without its options`);
  return value;
}
