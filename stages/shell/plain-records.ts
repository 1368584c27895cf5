import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { setImmediate } from "node:timers/promises";
import { parse } from "csv-parse/sync";
import { plainFields } from "../core/csv-lines.ts";
import { CSV_OPTIONS } from "../core/csv-text.ts";
import { StageError } from "../core/errors.ts";

/**
 * Records of a plain CSV file, read without csv-parse's per-byte state machine: a file with no quote and
 * no CR that is valid UTF-8 has one record per non-blank line, so lines are split on commas directly (the
 * few lines with white space at a field's edge go through csv-parse, which trims it). The records, their
 * order and their indices are csv-parse's; every other file is csv-parse's alone (see streamRecords).
 */

const BLOCK_BYTES = 1 << 20;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Calls `onBlock` with consecutive pieces of the file that each end after a line break (the last may end
 * at the end of the file), read in blocks of about a megabyte; a longer line gets a block of its own.
 * Between blocks the event loop runs, so a signal stops the stage at once.
 */
async function forEachLineBlock(path: string, onBlock: (block: Buffer, first: boolean) => void): Promise<void> {
  const fd = openSync(path, "r");
  try {
    let buffer = Buffer.allocUnsafe(BLOCK_BYTES);
    let filled = 0;
    let first = true;
    for (;;) {
      if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      filled += read;
      const end = read === 0 ? filled : buffer.lastIndexOf(LF, filled - 1) + 1;
      if (end > 0) {
        onBlock(buffer.subarray(0, end), first);
        first = false;
        buffer.copy(buffer, 0, end, filled);
        filled -= end;
      }
      if (read === 0) return;
      await setImmediate();
    }
  } finally {
    closeSync(fd);
  }
}

function isPlainBlock(block: Buffer): boolean {
  return block.indexOf(QUOTE) < 0 && block.indexOf(CR) < 0 && isUtf8(block);
}

/** What one quick pass over a CSV file finds. */
export interface CsvScan {
  /** No quote, no CR, valid UTF-8: readPlainRecords reads it. */
  plain: boolean;
  /** Lines that are not empty: at least as many as the records, and as many when no line is white space alone. */
  lines: number;
}

/** Scans a file at memchr speed: whether it is plain, and how many records it can hold at most. */
export async function scanCsvFile(path: string): Promise<CsvScan> {
  let plain = true;
  let lines = 0;
  await forEachLineBlock(path, (block) => {
    if (plain && !isPlainBlock(block)) plain = false;
    for (let start = 0; start < block.length; ) {
      const end = block.indexOf(LF, start);
      const stop = end < 0 ? block.length : end;
      if (stop > start) lines++;
      start = stop + 1;
    }
  });
  return { plain, lines };
}

/** Every record of a plain file (scanCsvFile) to `onRecord`, in order, the header first. */
export async function readPlainRecords(path: string, onRecord: (fields: string[]) => void): Promise<void> {
  await forEachLineBlock(path, (block, first) => {
    // Checked again: a file changed since scanCsvFile must not be split as if it were plain.
    if (!isPlainBlock(block)) throw new StageError(`${path}: the file changed while it was being read`);
    const start = first && BOM.every((byte, i) => block[i] === byte) ? BOM.length : 0;
    const lines = block.toString("utf8", start).split("\n");
    for (const line of lines) {
      if (line === "") continue;
      const fields = plainFields(line);
      if (fields !== null) {
        onRecord(fields);
        continue;
      }
      const [record] = parse(line, CSV_OPTIONS) as string[][];
      if (record !== undefined) onRecord(record);
    }
  });
}
