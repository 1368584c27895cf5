import { z } from "zod";
import { StageError } from "./errors.ts";
import { POISON_METHODS } from "./poison.ts";

/** One strict zod schema per params.yaml section; each stage validates only the sections it reads. */

// ml-random-forest needs a 32-bit seed; we keep every seed in that range for one rule everywhere.
const seed = z.int().min(0).max(2_147_483_647);

export const prepareParams = z.strictObject({
  seed,
  test_size: z.number().gt(0).lt(1),
});

export const poisonParams = z.strictObject({
  method: z.enum(POISON_METHODS),
  rate: z.number().min(0).max(1),
  seed,
});

export const ENGINES = ["ml-random-forest"] as const;

export const trainParams = z.strictObject({
  engine: z.enum(ENGINES),
  n_estimators: z.int().min(1).max(10_000),
  max_features: z.number().gt(0).max(1),
  max_depth: z.int().min(1).nullable(),
  min_samples_split: z.int().min(2),
  seed,
});

export type PrepareParams = z.infer<typeof prepareParams>;
export type PoisonParams = z.infer<typeof poisonParams>;
export type TrainParams = z.infer<typeof trainParams>;

/**
 * Validates `document[section]` against `schema`. On failure throws one StageError that names the file,
 * every offending key as `section.key` and the value found there.
 */
export function parseSection<T extends z.ZodType>(
  document: unknown,
  section: string,
  schema: T,
  source: string,
): z.infer<T> {
  const sections = isRecord(document) ? document : {};
  if (!(section in sections)) {
    throw new StageError(`Invalid params in ${source}: the section "${section}" is missing`);
  }
  const result = schema.safeParse(sections[section]);
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => describeIssue(issue, section, sections[section]));
  throw new StageError(`Invalid params in ${source}:\n${lines.join("\n")}`);
}

function describeIssue(issue: z.core.$ZodIssue, section: string, value: unknown): string[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      return `  ✖ ${[section, ...keyPath].join(".")} = ${show(valueAt(value, keyPath))}: unknown key`;
    });
  }
  return [`  ✖ ${[section, ...path].join(".")} = ${show(valueAt(value, path))}: ${issue.message}`];
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), value);
}

function show(value: unknown): string {
  return value === undefined ? "(missing)" : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
