import { once } from "node:events";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { type Options, type Parser, parse } from "csv-parse";
import { stringify } from "csv-stringify";
import {
  CLASSES,
  checkHeader,
  emptyFileMessage,
  FEATURES,
  formatRecord,
  HEADER,
  noRowsMessage,
  parseRow,
  type Row,
} from "../core/dataset.ts";
import { StageError } from "../core/errors.ts";
import { type FeatureMatrix, MatrixBuilder } from "../core/forest/matrix.ts";
import { writeStreamed } from "./atomic-streams.ts";

/**
 * CSV files of the pipeline read and written as streams (csv-parse, csv-stringify): a million rows pass
 * through in bounded memory. Validation and messages are parseTable's, and the bytes formatTable's.
 */

const PARSE_OPTIONS = { relax_column_count: true, skip_empty_lines: true, trim: true } as const;

/**
 * Streams a table's rows to `onRow`, validated like parseTable; returns how many there were. Records are
 * parsed without line numbers (csv-parse's `info` would take most of the time for a million rows); only
 * when a record is bad is the file read again to name its line.
 */
export async function readRows(path: string, onRow: (row: Row) => void): Promise<number> {
  let records = 0;
  try {
    for await (const record of parseFile(path, PARSE_OPTIONS) as AsyncIterable<string[]>) {
      const check = (where: string, line: number) =>
        records === 0 ? checkHeader(record, line, path) : parseRow(record, where);
      let row: Row | undefined;
      try {
        row = check(path, 1) ?? undefined;
      } catch (error) {
        const line = await lineOfRecord(path, records);
        check(`${path} line ${line}`, line); // throws again, now naming the line
        throw error;
      }
      if (row !== undefined) onRow(row);
      records++;
    }
  } catch (error) {
    throw readError(error, path);
  }
  if (records === 0) throw new StageError(emptyFileMessage(path));
  if (records === 1) throw new StageError(noRowsMessage(path));
  return records - 1;
}

function parseFile(path: string, options: Options): Parser {
  const source = createReadStream(path);
  const parser = parse(options);
  source.on("error", (error) => parser.destroy(error));
  return source.pipe(parser);
}

/** The line (1-based) on which record `index` (0 is the header) starts. */
async function lineOfRecord(path: string, index: number): Promise<number> {
  let seen = 0;
  // With `info: true` each record comes as { record, info }; csv-parse's types do not express that.
  for await (const { info } of parseFile(path, { ...PARSE_OPTIONS, info: true }) as AsyncIterable<{
    info: { lines: number };
  }>) {
    if (seen++ === index) return info.lines;
  }
  return 0;
}

/** All rows of a table, streamed in. */
export async function readTable(path: string): Promise<Row[]> {
  const rows: Row[] = [];
  await readRows(path, (row) => rows.push(row));
  return rows;
}

function readError(error: unknown, path: string): Error {
  if (error instanceof StageError) return error;
  const { code, lines } = error as NodeJS.ErrnoException & { lines?: number };
  if (code === "ENOENT") return new StageError(`${path}: cannot read it: the file does not exist`);
  if (code?.startsWith("CSV_")) {
    return new StageError(
      `${lines === undefined ? path : `${path} line ${lines}`}: not valid CSV: ${(error as Error).message}`,
    );
  }
  return new StageError(`${path}: cannot read it: ${(error as Error).message}`);
}

/**
 * Streams rows into CSV tables with the IRIS header, each row into the table at index `table` of `paths`.
 * The bytes equal formatTable's. The files, and the small `texts` beside them, appear together, atomically,
 * once all are written.
 */
export async function writeTables(
  paths: readonly string[],
  rows: Iterable<{ table: number; row: Row }>,
  texts: Record<string, string> = {},
): Promise<void> {
  await writeStreamed(
    paths,
    async (files) => {
      const writers = files.map((file) => {
        const stringifier = stringify();
        const done = pipeline(stringifier, file);
        // Awaited only after the rows: marked handled now, so a full disk is reported by writeStreamed, not
        // as an unhandled rejection that kills the process first.
        done.catch(() => {});
        return { stringifier, done };
      });
      try {
        for (const { stringifier } of writers) stringifier.write([...HEADER]);
        for (const { table, row } of rows) {
          const { stringifier } = writers[table] as (typeof writers)[number];
          // Wait only when the stream's buffer is full: an await per row would cost more than the writing.
          if (!stringifier.write(formatRecord(row))) await once(stringifier, "drain");
        }
        for (const { stringifier } of writers) stringifier.end();
        await Promise.all(writers.map(({ done }) => done));
      } catch (error) {
        for (const { stringifier } of writers) stringifier.destroy();
        await Promise.allSettled(writers.map(({ done }) => done));
        throw error;
      }
    },
    texts,
  );
}

/** Rows of one table, tagged for writeTables. */
export function* toTable(table: number, rows: Iterable<Row>): Generator<{ table: number; row: Row }> {
  for (const row of rows) yield { table, row };
}

/** A table's rows streamed into a column matrix: what the train stage needs, a third of the memory of rows. */
export async function readMatrix(path: string): Promise<FeatureMatrix> {
  const builder = new MatrixBuilder(FEATURES.length, CLASSES.length);
  await readRows(path, (row) => builder.push(row.features, row.label));
  return builder.finish();
}
