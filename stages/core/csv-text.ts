import { parse } from "csv-parse/sync";
import { StageError } from "./errors.ts";

/**
 * CSV as this project reads it: RFC 4180 quoting (embedded commas, quotes and line breaks), LF or CRLF, an
 * optional UTF-8 byte order mark, blank lines skipped, fields trimmed. Records may differ in length here;
 * the schema's reader says which length it wants.
 */
export const CSV_OPTIONS = { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true } as const;

export interface NumberedRecord {
  fields: string[];
  /** The line (1-based) on which the record starts. */
  line: number;
}

/**
 * Parses a whole CSV text, numbering each record by the line it starts on. A syntax error (an unclosed
 * quote, say) is a StageError naming the line where the broken record starts, not where parsing gave up.
 */
export function parseCsvText(text: string, source: string): NumberedRecord[] {
  const bytes = Buffer.from(text, "utf8");
  const lines = new LineCounter(bytes);
  const records: NumberedRecord[] = [];
  let end = 0;
  try {
    parse(bytes, {
      ...CSV_OPTIONS,
      on_record: (fields: string[], context: { bytes: number }) => {
        records.push({ fields, line: lines.startOfRecordAfter(end) });
        end = context.bytes;
        return null;
      },
    });
  } catch (error) {
    throw csvSyntaxError(error, source, lines.startOfRecordAfter(end));
  }
  return records;
}

/** csv-parse's error as a StageError at the line where the broken record starts. */
export function csvSyntaxError(error: unknown, source: string, line: number): Error {
  const code = (error as { code?: string }).code;
  if (!code?.startsWith("CSV_")) return error as Error;
  const message = (error as Error).message.replace(/ at line \d+\b.*$/, "").slice(0, 200);
  return new StageError(`${source} line ${line}: not valid CSV: ${message}`);
}

/**
 * Line numbers of byte offsets in a text, for offsets that only grow: a record that ends at byte `end` is
 * followed by the next record on the first non-blank line at or after `end`.
 */
export class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly bytes: Uint8Array) {}

  startOfRecordAfter(end: number): number {
    const { bytes } = this;
    while (this.offset < end && this.offset < bytes.length) {
      if (bytes[this.offset] === 0x0a) this.line++;
      this.offset++;
    }
    // Blank lines (csv-parse skips them) are not where a record starts.
    let offset = this.offset;
    let line = this.line;
    for (;;) {
      if (bytes[offset] === 0x0a) {
        offset++;
        line++;
      } else if (bytes[offset] === 0x0d && bytes[offset + 1] === 0x0a) {
        offset += 2;
        line++;
      } else {
        return line;
      }
    }
  }
}
