import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Schema } from "../core/dataset.ts";
import { StageError } from "../core/errors.ts";
import { parseSchemaFile } from "../core/schema-file.ts";

/** Reads a text file; a missing or unreadable file is a StageError naming it. */
export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "the file does not exist" : (error as Error).message;
    throw new StageError(`${path}: cannot read it: ${reason}`);
  }
}

export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StageError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Writes all files of a stage, each first to `<name>.tmp-<pid>` in its own folder and then renamed, so a
 * reader never sees a half-written file. Contents are computed before anything is written, so a failing
 * stage writes nothing at all.
 */
export function writeOutputs(files: Record<string, string>): void {
  const staged: Array<[string, string]> = [];
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.tmp-${process.pid}`;
      writeFileSync(temporary, content);
      staged.push([temporary, path]);
    }
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    throw error;
  }
  for (const [temporary, path] of staged) renameSync(temporary, path);
}

/** The data set's schema that prepare wrote (data/prepared/schema.json). */
export function readSchema(path: string): Schema {
  return parseSchemaFile(readJson(path), path);
}
