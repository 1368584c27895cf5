import { z } from "zod";
import { StageError } from "./errors.ts";
import type { PoisonParams } from "./params.ts";
import { poisonCount } from "./poison.ts";
import { POISON_METHODS } from "./poison-methods.ts";

/**
 * What later stages read back from the poison manifest (data/poisoned/manifest.json, written by buildManifest):
 * the attack, the counts, and which rows of the poisoned table were attacked. Each reader picks the fields it
 * needs; fields added later are ignored by readers that do not pick them.
 */
export const manifestFile = z.object({
  method: z.enum(POISON_METHODS),
  rate: z.number().min(0).max(1),
  seed: z.int().min(0),
  rows_in: z.int().min(0),
  rows_out: z.int().min(0),
  rows_poisoned: z.int().min(0),
  // backdoor only: the trigger the poison stage stamped (buildManifest).
  trigger: z.strictObject({ target: z.string(), features: z.record(z.string(), z.number()) }).optional(),
  // `before` is the row as it was, null for an injected row; readers that only score rows may omit it.
  rows: z.array(
    z.object({
      row: z.int().min(0),
      before: z
        .record(z.string(), z.union([z.number(), z.string()]))
        .nullable()
        .optional(),
    }),
  ),
});
export type ManifestFile = z.infer<typeof manifestFile>;

/** Parses (the picked fields of) a manifest; anything else is one StageError naming the file. */
export function parseManifestFile<T extends z.ZodType>(value: unknown, source: string, schema: T): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StageError(`${source}: not a poison manifest:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Reads the whole manifest and checks it against itself and against the poison params that should have
 * written it: a tampered or stale manifest is refused rather than its counts copied into the metrics.
 */
export function parseCheckedManifest(value: unknown, source: string, params: PoisonParams): ManifestFile {
  const manifest = parseManifestFile(value, source, manifestFile);
  const problem = manifestProblem(manifest, params);
  if (problem !== null) throw new StageError(`${source}: ${problem}; re-run the poison stage`);
  return manifest;
}

function manifestProblem(manifest: ManifestFile, params: PoisonParams): string | null {
  const { method, rate, rows_in: rowsIn, rows_out: rowsOut, rows_poisoned: poisoned, rows } = manifest;
  for (const key of ["method", "rate", "seed"] as const) {
    if (manifest[key] !== params[key])
      return `${key} = ${manifest[key]}, but params.yaml has poison.${key} = ${params[key]}`;
  }
  if (poisoned !== poisonCount(rowsIn, rate)) {
    return `rows_poisoned = ${poisoned}, but rate ${rate} of rows_in = ${rowsIn} is ${poisonCount(rowsIn, rate)}`;
  }
  if ((method === "backdoor") !== (manifest.trigger !== undefined)) {
    return method === "backdoor" ? "a backdoor manifest without its trigger" : `a ${method} manifest with a trigger`;
  }
  if (rows.length !== poisoned) return `rows_poisoned = ${poisoned}, but it lists ${rows.length} rows`;
  const expectedOut = method === "inject" ? rowsIn + poisoned : rowsIn;
  if (rowsOut !== expectedOut) return `rows_out = ${rowsOut}, but ${method} on ${rowsIn} rows gives ${expectedOut}`;
  const seen = new Set<number>();
  for (const { row, before } of rows) {
    if (row >= rowsOut) return `row ${row} is outside the poisoned table of ${rowsOut} rows`;
    if (seen.has(row)) return `row ${row} is listed twice`;
    seen.add(row);
    // Injected rows are new (no "before") and come after the original rows; other attacks rewrite existing ones.
    const injected = method === "inject";
    if (injected !== (before === null) || (injected && row < rowsIn)) {
      return `row ${row} does not fit ${method}: ${injected ? "injected rows follow the original ones" : "it has no original"}`;
    }
  }
  return null;
}
