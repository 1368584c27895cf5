import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Schema } from "../core/dataset.ts";
import { StageError } from "../core/errors.ts";
import { excerpt } from "../core/excerpt.ts";
import { parseSchemaFile } from "../core/schema-file.ts";
import { claimPartial, removePartial, settlePartial } from "./partial-files.ts";
import { writeFailure } from "./write-error.ts";

/** Files the stages read whole (JSON, params, the raw table) are small; past this a file is refused unread. */
export const MAX_READ_BYTES = 512 * 1024 * 1024;

/**
 * Reads a text file; a missing, unreadable or oversized file is a StageError naming it. The size is checked
 * before reading, so memory stays bounded by the file's real size whatever it claims inside.
 */
export function readText(path: string, maxBytes: number = MAX_READ_BYTES): string {
  try {
    const size = statSync(path).size;
    if (size > maxBytes) {
      throw new StageError(`${path}: ${size} bytes, more than the ${maxBytes} this stage reads; is it the right file?`);
    }
    return readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof StageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "the file does not exist" : (error as Error).message;
    throw new StageError(`${path}: cannot read it: ${reason}`);
  }
}

export function readJson(path: string, maxBytes: number = MAX_READ_BYTES): unknown {
  const text = readText(path, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StageError(`${path}: not valid JSON: ${excerpt((error as Error).message, 200)}`);
  }
}

/**
 * Writes all files of a stage, each first to a registered partial file in its own folder and then renamed,
 * so a reader never sees a half-written file. Contents are computed before anything is written, so a
 * failing stage writes nothing at all; the renames run in one synchronous step, which a signal cannot split.
 */
export function writeOutputs(files: Record<string, string>): void {
  const staged: Array<[string, string]> = [];
  let current = "";
  try {
    for (const [path, content] of Object.entries(files)) {
      current = path;
      mkdirSync(dirname(path), { recursive: true });
      const partial = claimPartial(path);
      staged.push([partial, path]);
      writeFileSync(partial, content);
    }
  } catch (error) {
    for (const [partial] of staged) removePartial(partial);
    throw writeFailure(error, current);
  }
  for (const [partial, path] of staged) {
    renameSync(partial, path);
    settlePartial(partial);
  }
}

/** The data set's schema that prepare wrote (data/prepared/schema.json). */
export function readSchema(path: string): Schema {
  return parseSchemaFile(readJson(path), path);
}
