import { parse } from "yaml";
import type { z } from "zod";
import { StageError } from "../core/errors.ts";
import { parseSection } from "../core/params.ts";
import { readText } from "./files.ts";
import { PATHS } from "./paths.ts";

/** Reads one section of params.yaml, validated by its schema. */
export function loadParams<T extends z.ZodType>(section: string, schema: T, path: string = PATHS.params): z.infer<T> {
  let document: unknown;
  try {
    document = parse(readText(path));
  } catch (error) {
    if (error instanceof StageError) throw error;
    throw new StageError(`${path}: not valid YAML: ${(error as Error).message}`);
  }
  return parseSection(document, section, schema, path);
}
