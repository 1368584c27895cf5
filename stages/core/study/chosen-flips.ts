import type { AttackOptions } from "../attacks/options.ts";
import { poisonRows } from "../poison.ts";
import { createRng, deriveSeed } from "../rng.ts";
import type { FlipAttack } from "./adversary-results.ts";
import { fitForest, type RepeatContext, testAccuracy } from "./repeat-context.ts";

/**
 * Clean-test accuracy after `method` at `rate`. The poison seed is the study's for the method and repeat, so
 * label_flip here equals the study's label_flip cells, and a higher rate flips a superset of a lower one's rows.
 */
export function flipAccuracy(context: RepeatContext, method: FlipAttack, rate: number, options: AttackOptions): number {
  const rng = createRng(deriveSeed(context.seed, "poison", method, context.repeat));
  const poisoned = poisonRows(context.train, { method, rate, options }, rng, context.schema);
  return testAccuracy(context, fitForest(context, poisoned.rows));
}
