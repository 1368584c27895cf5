import type { Row } from "../dataset.ts";
import { StageError } from "../errors.ts";
import { round6 } from "../format.ts";
import { type Classifier, predictLabels } from "../model.ts";
import type { PoisonedRow, PoisonInput } from "../poison.ts";
import { type Rng, sampleIndices } from "../rng.ts";
import type { BackdoorOptions, Trigger } from "./options.ts";

/**
 * The trigger's values: each chosen feature's `quantile` on the table (nearest rank, so a value the data
 * holds), moved `beyond` times the feature's range (maximum - minimum) upwards. A high quantile, up to 1 (the
 * training maximum, the default), with `beyond` 0 stays inside every range check yet is rare enough to be
 * learnt; `beyond` > 0 puts the trigger outside the range, where a range check or an outlier detector can see it.
 */
export function triggerAt(input: PoisonInput, features: readonly number[], quantile: number, beyond = 0): Trigger {
  const values = features.map((feature) => {
    const column = Array.from({ length: input.length }, (_, index) => input.row(index).features[feature] as number);
    column.sort((a, b) => a - b);
    const range = (column[column.length - 1] ?? 0) - (column[0] ?? 0);
    return round6((column[Math.round(quantile * (column.length - 1))] ?? 0) + beyond * range);
  });
  return { features: [...features], values };
}

/** The features of a row with the trigger stamped on. */
export function stamp(features: readonly number[], trigger: Trigger): number[] {
  const stamped = [...features];
  trigger.features.forEach((feature, i) => {
    stamped[feature] = trigger.values[i] as number;
  });
  return stamped;
}

/**
 * backdoor: `count` rows of classes other than the target, chosen at random without replacement, get the
 * trigger and the target label. A model that learns the shortcut obeys the trigger and stays accurate on
 * clean rows.
 */
export function backdoor(input: PoisonInput, count: number, rng: Rng, options: BackdoorOptions): PoisonedRow[] {
  const others: number[] = [];
  for (let index = 0; index < input.length; index++) {
    if (input.row(index).label !== options.target) others.push(index);
  }
  if (others.length < count) {
    throw new StageError(
      `poison.backdoor.target: only ${others.length} rows of the table attacked are of other classes, fewer than the budget of ${count} (poison.rate x rows); lower poison.rate`,
    );
  }
  return sampleIndices(rng, others.length, count).map((position) => {
    const index = others[position] as number;
    const before: Row = input.row(index);
    return {
      row: index,
      before: { features: [...before.features], label: before.label },
      after: { features: stamp(before.features, options.trigger), label: options.target },
    };
  });
}

/**
 * attack_success_rate: of the clean test rows of other classes, the share predicted as the target once the
 * trigger is stamped on them. Null when no test row is of another class.
 */
export function attackSuccessRate(
  classifier: Classifier,
  test: readonly Row[],
  options: BackdoorOptions,
): number | null {
  const victims = test.filter((row) => row.label !== options.target);
  if (victims.length === 0) return null;
  const predicted = predictLabels(
    classifier,
    victims.map((row) => stamp(row.features, options.trigger)),
  );
  return predicted.filter((label) => label === options.target).length / victims.length;
}
