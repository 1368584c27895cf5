import { z } from "zod";
import type { Schema } from "./dataset.ts";
import { StageError } from "./errors.ts";

/** A data set's schema as JSON: in data/prepared/schema.json (written by prepare) and in the model file. */
const featureColumn = z.discriminatedUnion("kind", [
  z.strictObject({ name: z.string(), kind: z.literal("numeric") }),
  z.strictObject({ name: z.string(), kind: z.literal("categorical"), categories: z.array(z.string()) }),
]);

export const schemaShape = {
  features: z.array(featureColumn).min(1),
  label: z.string(),
  classes: z.array(z.string()).min(2),
};

/** data/prepared/schema.json: the schema, and what prepare read and dropped. */
export const datasetFile = z.object({
  source: z.string(),
  file: z.string(),
  ...schemaShape,
  rows_read: z.int().min(0),
  rows_dropped: z.int().min(0),
  train_rows: z.int().min(0),
  test_rows: z.int().min(0),
});
export type DatasetFile = z.infer<typeof datasetFile>;

/** The schema in a parsed data/prepared/schema.json; anything else is one StageError naming the file. */
export function parseSchemaFile(value: unknown, source: string): Schema {
  const parsed = datasetFile.safeParse(value);
  if (!parsed.success) {
    throw new StageError(`${source}: not a data set schema (run prepare):\n${z.prettifyError(parsed.error)}`);
  }
  const { features, label, classes } = parsed.data;
  return { features, label, classes };
}
