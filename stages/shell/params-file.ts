import type { z } from "zod";
import { parseSection } from "../core/params.ts";
import { readParamsSection } from "../core/params-yaml.ts";
import { readText } from "./files.ts";
import { PATHS } from "./paths.ts";

/** Reads one section of params.yaml, its numbers decimal only, validated by its schema. */
export function loadParams<T extends z.ZodType>(section: string, schema: T, path: string = PATHS.params): z.infer<T> {
  const text = readText(path);
  const value = readParamsSection(text, section, path);
  return parseSection(value === undefined ? {} : { [section]: value }, section, schema, path);
}
