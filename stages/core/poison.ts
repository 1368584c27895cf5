import { CLASSES, featureRanges, type Row } from "./dataset.ts";
import { round6 } from "./format.ts";
import { type Rng, randomInt, randomUniform, sampleIndices } from "./rng.ts";

export const POISON_METHODS = ["label_flip", "feature_noise", "inject"] as const;
export type PoisonMethod = (typeof POISON_METHODS)[number];

export interface PoisonSpec {
  method: PoisonMethod;
  rate: number;
}

/** One poisoned row: its index in the poisoned table, what it was (null for an injected row) and what it became. */
export interface PoisonedRow {
  row: number;
  before: Row | null;
  after: Row;
}

export interface PoisonResult {
  rows: Row[];
  poisoned: PoisonedRow[];
}

/** How many rows an attack at `rate` touches on a table of n rows: round(rate x n), halves rounded up. */
export function poisonCount(n: number, rate: number): number {
  return Math.round(rate * n);
}

/**
 * Poisons a table. label_flip and feature_noise rewrite round(rate x n) rows chosen without replacement;
 * inject appends that many random rows. Random feature values are uniform within each feature's range on
 * the input table and rounded to 6 decimals, so the manifest equals what the CSV file holds.
 */
export function poisonRows(input: readonly Row[], spec: PoisonSpec, rng: Rng): PoisonResult {
  const count = poisonCount(input.length, spec.rate);
  const ranges = featureRanges(input);
  const randomFeatures = (): number[] => ranges.map(([low, high]) => round6(randomUniform(rng, low, high)));
  const rows = input.map((row) => ({ features: [...row.features], label: row.label }));
  const poisoned: PoisonedRow[] = [];

  if (spec.method === "inject") {
    for (let i = 0; i < count; i++) {
      const after = { features: randomFeatures(), label: randomInt(rng, CLASSES.length) };
      poisoned.push({ row: rows.length, before: null, after });
      rows.push(after);
    }
    return { rows, poisoned };
  }

  for (const index of sampleIndices(rng, input.length, count)) {
    const before = input[index] as Row;
    const after =
      spec.method === "label_flip"
        ? { features: [...before.features], label: otherLabel(before.label, rng) }
        : { features: randomFeatures(), label: before.label };
    rows[index] = after;
    poisoned.push({ row: index, before: { features: [...before.features], label: before.label }, after });
  }
  return { rows, poisoned };
}

/** A label different from `label`, uniform among the other classes. */
function otherLabel(label: number, rng: Rng): number {
  const offset = 1 + randomInt(rng, CLASSES.length - 1);
  return (label + offset) % CLASSES.length;
}

/** The manifest written beside the poisoned training set: enough to score any detector against the truth. */
export interface PoisonManifest {
  method: PoisonMethod;
  rate: number;
  seed: number;
  rows_in: number;
  rows_out: number;
  rows_poisoned: number;
  rows: Array<{ row: number; before: Record<string, number | string> | null; after: Record<string, number | string> }>;
}

export function buildManifest(
  spec: PoisonSpec & { seed: number },
  rowsIn: number,
  result: PoisonResult,
  describe: (row: Row) => Record<string, number | string>,
): PoisonManifest {
  return {
    method: spec.method,
    rate: spec.rate,
    seed: spec.seed,
    rows_in: rowsIn,
    rows_out: result.rows.length,
    rows_poisoned: result.poisoned.length,
    rows: result.poisoned.map(({ row, before, after }) => ({
      row,
      before: before === null ? null : describe(before),
      after: describe(after),
    })),
  };
}
