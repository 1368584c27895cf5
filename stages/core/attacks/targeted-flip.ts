import type { Row } from "../dataset.ts";
import { StageError } from "../errors.ts";
import type { PoisonedRow, PoisonInput } from "../poison.ts";
import { type Rng, sampleIndices } from "../rng.ts";
import type { TargetedOptions } from "./options.ts";

/**
 * targeted_flip: `count` rows of the source class, chosen at random without replacement, get the target
 * class. An attacker who wants one class read as another spends the whole budget on it.
 */
export function targetedFlip(input: PoisonInput, count: number, rng: Rng, options: TargetedOptions): PoisonedRow[] {
  const members: number[] = [];
  for (let index = 0; index < input.length; index++) {
    if (input.row(index).label === options.source) members.push(index);
  }
  if (members.length < count) {
    throw new StageError(
      `poison.targeted.source: the source class has ${members.length} rows in the table attacked, fewer than the budget of ${count} (poison.rate x rows); lower poison.rate or choose another class`,
    );
  }
  return sampleIndices(rng, members.length, count).map((position) => {
    const index = members[position] as number;
    const before: Row = input.row(index);
    return {
      row: index,
      before: { features: [...before.features], label: before.label },
      after: { features: [...before.features], label: options.target },
    };
  });
}
