// The attack names, in a file of their own without imports: params.ts needs them, and poison.ts imports
// the forest (adversarial_flip's surrogate), whose model file imports params.ts.

/** Attacks that choose rows and values by chance; the studies run these. */
export const RANDOM_ATTACKS = ["label_flip", "feature_noise", "inject"] as const;
export type RandomAttack = (typeof RANDOM_ATTACKS)[number];
/** Attacks chosen by someone who wants a result; they need options (stages/core/attacks/options.ts). */
export const CHOSEN_ATTACKS = ["targeted_flip", "adversarial_flip", "backdoor"] as const;
export const POISON_METHODS = [...RANDOM_ATTACKS, ...CHOSEN_ATTACKS] as const;
export type PoisonMethod = (typeof POISON_METHODS)[number];
