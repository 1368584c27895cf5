import { z } from "zod";
import { StageError } from "./errors.ts";

/**
 * What later stages read back from the poison manifest (data/poisoned/manifest.json, written by buildManifest):
 * the counts, and which rows of the poisoned table were attacked. Each reader picks the fields it needs.
 */
export const manifestFile = z.object({
  rows_in: z.int().min(0),
  rows_out: z.int().min(0),
  rows_poisoned: z.int().min(0),
  rows: z.array(z.object({ row: z.int().min(0) })),
});

/** Parses (the picked fields of) a manifest; anything else is one StageError naming the file. */
export function parseManifestFile<T extends z.ZodType>(value: unknown, source: string, schema: T): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StageError(`${source}: not a poison manifest:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
