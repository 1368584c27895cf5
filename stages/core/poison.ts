import { adversarialFlip } from "./attacks/adversarial-flip.ts";
import { backdoor } from "./attacks/backdoor.ts";
import { type AttackOptions, required, type Trigger } from "./attacks/options.ts";
import { targetedFlip } from "./attacks/targeted-flip.ts";
import { describeRow, featureRanges, type Row, type Schema } from "./dataset.ts";
import { round6 } from "./format.ts";
import type { PoisonMethod } from "./poison-methods.ts";
import { type Rng, randomInt, randomUniform, sampleIndices } from "./rng.ts";

export {
  CHOSEN_ATTACKS,
  POISON_METHODS,
  type PoisonMethod,
  RANDOM_ATTACKS,
  type RandomAttack,
} from "./poison-methods.ts";

export interface PoisonSpec {
  method: PoisonMethod;
  rate: number;
  /** The chosen attacks' options (attackOptions resolves them from params.yaml); random attacks need none. */
  options?: AttackOptions;
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
 * The table an attack reads: its rows by index, and each feature's [min, max]. Rows in memory are one such
 * table (rowsTable); the poison stage reads a million-row file as columns (a FeatureMatrix) instead.
 */
export interface PoisonInput {
  length: number;
  row(index: number): Row;
  ranges: ReadonlyArray<[number, number]>;
}

export function rowsTable(rows: readonly Row[], featureCount: number): PoisonInput {
  return { length: rows.length, row: (index) => rows[index] as Row, ranges: featureRanges(rows, featureCount) };
}

/** What an attack needs besides the table: how many rows, an rng, and draws of random features and labels. */
interface AttackContext {
  input: PoisonInput;
  count: number;
  rng: Rng;
  randomFeatures: () => number[];
  classCount: number;
  options: AttackOptions;
  schema: Schema;
}

type Attack = (context: AttackContext) => PoisonedRow[];

/** Each method's attack; keyed by the method union, so a method without an attack is a type error. */
const ATTACKS: Record<PoisonMethod, Attack> = {
  label_flip: (context) =>
    rewriteRows(context, (before) => ({
      features: [...before.features],
      label: otherLabel(before.label, context.classCount, context.rng),
    })),
  feature_noise: (context) =>
    rewriteRows(context, (before) => ({ features: context.randomFeatures(), label: before.label })),
  inject: ({ input, count, rng, randomFeatures, classCount }) => {
    const poisoned: PoisonedRow[] = [];
    for (let i = 0; i < count; i++) {
      const after = { features: randomFeatures(), label: randomInt(rng, classCount) };
      poisoned.push({ row: input.length + i, before: null, after });
    }
    return poisoned;
  },
  targeted_flip: ({ input, count, rng, options }) =>
    targetedFlip(input, count, rng, required(options.targeted, "targeted_flip")),
  adversarial_flip: ({ input, count, rng, options, schema }) =>
    adversarialFlip(input, count, rng, required(options.adversarial, "adversarial_flip"), schema),
  backdoor: ({ input, count, rng, options }) => backdoor(input, count, rng, required(options.backdoor, "backdoor")),
};

/**
 * Poisons a table. label_flip and feature_noise rewrite round(rate x n) rows chosen without replacement;
 * inject appends that many random rows. A random numeric feature is uniform within the feature's range on
 * the input table, rounded to 6 decimals so the manifest equals what the CSV file holds; a random
 * categorical feature is uniform among the schema's categories (those of the training split); a random
 * label is uniform among the schema's classes.
 */
export function poisonRows(input: readonly Row[], spec: PoisonSpec, rng: Rng, schema: Schema): PoisonResult {
  const poisoned = planPoison(rowsTable(input, schema.features.length), spec, rng, schema);
  const rows = input.map((row) => ({ features: [...row.features], label: row.label }));
  for (const { row, after } of poisoned) {
    if (row < rows.length) rows[row] = after;
    else rows.push(after);
  }
  return { rows, poisoned };
}

/**
 * The attack on a table, as the rows it touches: a rewritten row keeps its index, an injected row is numbered
 * after the table's last (in the order appended). poisonRows applies them; the poison stage streams them.
 */
export function planPoison(input: PoisonInput, spec: PoisonSpec, rng: Rng, schema: Schema): PoisonedRow[] {
  const { ranges } = input;
  const randomFeatures = (): number[] =>
    schema.features.map((column, f) => {
      if (column.kind === "categorical") return randomInt(rng, column.categories.length);
      const [low, high] = ranges[f] as [number, number];
      return round6(randomUniform(rng, low, high));
    });
  const context = {
    input,
    count: poisonCount(input.length, spec.rate),
    rng,
    randomFeatures,
    classCount: schema.classes.length,
    options: spec.options ?? {},
    schema,
  };
  return ATTACKS[spec.method](context);
}

/** Rewrites `count` rows chosen without replacement, in file order. */
function rewriteRows({ input, count, rng }: AttackContext, rewrite: (before: Row) => Row): PoisonedRow[] {
  return sampleIndices(rng, input.length, count).map((index) => {
    const before = input.row(index);
    const after = rewrite(before);
    return { row: index, before: { features: [...before.features], label: before.label }, after };
  });
}

/** A label different from `label`, uniform among the other classes. */
function otherLabel(label: number, classCount: number, rng: Rng): number {
  const offset = 1 + randomInt(rng, classCount - 1);
  return (label + offset) % classCount;
}

/** The manifest written beside the poisoned training set: enough to score any detector against the truth. */
export interface PoisonManifest {
  method: PoisonMethod;
  rate: number;
  seed: number;
  rows_in: number;
  rows_out: number;
  rows_poisoned: number;
  /** backdoor only: the trigger, so evaluate stamps the test rows with the very same values. */
  trigger?: { target: string; features: Record<string, number> };
  rows: Array<{ row: number; before: Record<string, number | string> | null; after: Record<string, number | string> }>;
}

export function buildManifest(
  spec: PoisonSpec & { seed: number },
  rowsIn: number,
  poisoned: readonly PoisonedRow[],
  schema: Schema,
): PoisonManifest {
  return { ...manifestHead(spec, rowsIn, poisoned, schema), rows: poisoned.map((row) => manifestEntry(schema, row)) };
}

/** The manifest but its rows. */
function manifestHead(
  spec: PoisonSpec & { seed: number },
  rowsIn: number,
  poisoned: readonly PoisonedRow[],
  schema: Schema,
): Omit<PoisonManifest, "rows"> {
  return {
    method: spec.method,
    rate: spec.rate,
    seed: spec.seed,
    rows_in: rowsIn,
    rows_out: rowsIn + poisoned.filter(({ before }) => before === null).length,
    rows_poisoned: poisoned.length,
    ...(spec.method === "backdoor"
      ? { trigger: describeTrigger(schema, required(spec.options?.backdoor, "backdoor")) }
      : {}),
  };
}

function manifestEntry(schema: Schema, { row, before, after }: PoisonedRow): PoisonManifest["rows"][number] {
  return { row, before: before === null ? null : describeRow(schema, before), after: describeRow(schema, after) };
}

/** The manifest text is handed on in pieces of about this many characters. */
const MANIFEST_PIECE = 1 << 16;

/**
 * manifestText(buildManifest(...)) in pieces, one row entry at a time: at a million rows the manifest is tens
 * of megabytes of text and more of objects, neither of which need exist whole. JSON.stringify indents an
 * array's entries by the array's depth (two levels here), so each entry is written alone and indented so.
 */
export function* manifestPieces(
  spec: PoisonSpec & { seed: number },
  rowsIn: number,
  poisoned: readonly PoisonedRow[],
  schema: Schema,
): Generator<string> {
  // `rows` is the last key: the text ends with `"rows": []` and the closing brace.
  const empty = JSON.stringify({ ...manifestHead(spec, rowsIn, poisoned, schema), rows: [] }, null, 2);
  if (poisoned.length === 0) {
    yield `${empty}\n`;
    return;
  }
  let piece = `${empty.slice(0, -"[]\n}".length)}[\n`;
  for (const [i, row] of poisoned.entries()) {
    const entry = JSON.stringify(manifestEntry(schema, row), null, 2).replaceAll("\n", "\n    ");
    piece += `    ${entry}${i < poisoned.length - 1 ? "," : ""}\n`;
    if (piece.length >= MANIFEST_PIECE) {
      yield piece;
      piece = "";
    }
  }
  yield `${piece}  ]\n}\n`;
}

function describeTrigger(schema: Schema, options: { target: number; trigger: Trigger }) {
  const { features, values } = options.trigger;
  return {
    target: schema.classes[options.target] as string,
    features: Object.fromEntries(features.map((f, i) => [schema.features[f]?.name as string, values[i] as number])),
  };
}

/**
 * The manifest file's text, as stableJson would write it: its numbers are rounded already (describeRow), so it
 * is serialised once, without stableJson's copies; at a million rows the manifest is tens of megabytes.
 */
export function manifestText(manifest: PoisonManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
