import { createReadStream, type WriteStream } from "node:fs";
import { type Options, type Parser, parse } from "csv-parse";
import { csvLine } from "../core/csv-lines.ts";
import { CSV_OPTIONS, csvSyntaxError } from "../core/csv-text.ts";
import { emptyFileMessage, noRowsMessage, RecordCodec, RecordProblem, type Row, type Schema } from "../core/dataset.ts";
import { StageError } from "../core/errors.ts";
import { type FeatureMatrix, MatrixBuilder } from "../core/forest/matrix.ts";
import { type DataChoice, type RawColumns, RawColumnsBuilder, RawSurvey } from "../core/raw-table.ts";
import { writeChunk, writeStreamed } from "./atomic-streams.ts";
import { type CsvScan, readPlainRecords, scanCsvFile } from "./plain-records.ts";

/**
 * CSV files read and written as streams: a million rows pass through in bounded memory. A plain file (no
 * quote, no CR) is split line by line (plain-records.ts), any other goes through csv-parse; lines are
 * written as csv-stringify would write them (csvLine). Records are parsed without line numbers (csv-parse's
 * `info` would take most of the time for a million rows); only when a record is bad is the file read again
 * to find the line where it starts.
 */

/**
 * Streams every record (the header is record 0) to `onRecord`; returns how many there were. A RecordProblem
 * or a CSV syntax error becomes a StageError naming the file and the line where the record starts.
 */
export async function streamRecords(
  path: string,
  onRecord: (fields: string[], index: number) => void,
  onScan: (scan: CsvScan) => void = () => {},
): Promise<number> {
  let index = 0;
  try {
    const scan = await scanCsvFile(path);
    onScan(scan);
    if (scan.plain) {
      await readPlainRecords(path, (fields) => {
        onRecord(fields, index);
        index++;
      });
    } else {
      for await (const fields of parseFile(path, CSV_OPTIONS) as AsyncIterable<string[]>) {
        onRecord(fields, index);
        index++;
      }
    }
  } catch (error) {
    if (error instanceof RecordProblem) {
      throw error.at(`${path} line ${await startLineOfRecord(path, error.record ?? index)}`);
    }
    if ((error as { code?: string }).code?.startsWith("CSV_")) {
      throw csvSyntaxError(error, path, await startLineOfRecord(path, index));
    }
    throw readError(error, path);
  }
  return index;
}

/** Checks a problem found after the records were read (it names its record), with the line it starts on. */
export async function located<T>(path: string, compute: () => T): Promise<T> {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof RecordProblem) || error.record === undefined) throw error;
    throw error.at(`${path} line ${await startLineOfRecord(path, error.record)}`);
  }
}

function parseFile(path: string, options: Options): Parser {
  const source = createReadStream(path);
  const parser = parse(options);
  source.on("error", (error) => parser.destroy(error));
  return source.pipe(parser);
}

/**
 * The line (1-based) on which record `index` starts: the first non-blank line after the end of record
 * index - 1 (csv-parse's `info.bytes`), found by counting line breaks in the file up to there.
 */
async function startLineOfRecord(path: string, index: number): Promise<number> {
  let end = 0;
  let seen = 0;
  try {
    // With `info: true` each record comes as { record, info }; csv-parse's types do not express that.
    for await (const { info } of parseFile(path, { ...CSV_OPTIONS, info: true }) as AsyncIterable<{
      info: { bytes: number };
    }>) {
      if (seen++ === index) break;
      end = info.bytes;
    }
  } catch {
    // The broken record itself: it starts after the last good one.
  }
  let line = 1;
  let offset = 0;
  let blankSoFar = true; // whether the bytes after `end` on this line are all blank so far
  let lineAtEnd = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (const byte of chunk) {
      if (offset >= end) {
        if (lineAtEnd === 0) lineAtEnd = line;
        if (byte === 0x0a) {
          if (!blankSoFar) return lineAtEnd;
          line++;
          lineAtEnd = line;
        } else if (byte !== 0x0d) {
          blankSoFar = false;
          return lineAtEnd;
        }
      } else if (byte === 0x0a) {
        line++;
      }
      offset++;
    }
  }
  return lineAtEnd === 0 ? line : lineAtEnd;
}

function readError(error: unknown, path: string): Error {
  if (error instanceof StageError) return error;
  const { code } = error as NodeJS.ErrnoException;
  if (code === "ENOENT") return new StageError(`${path}: cannot read it: the file does not exist`);
  return new StageError(`${path}: cannot read it: ${(error as Error).message}`);
}

/** Streams a pipeline CSV's rows, decoded through the schema, to `onRow`; returns how many there were. */
export async function readRows(path: string, schema: Schema, onRow: (row: Row) => void): Promise<number> {
  const codec = new RecordCodec(schema);
  return readDecoded(path, codec, (fields) => onRow(codec.decode(fields)));
}

/** Streams a pipeline CSV's data records to `onFields` after checking its header; returns how many there were. */
async function readDecoded(
  path: string,
  codec: RecordCodec,
  onFields: (fields: string[]) => void,
  onScan?: (scan: CsvScan) => void,
): Promise<number> {
  const records = await streamRecords(
    path,
    (fields, index) => {
      if (index === 0) codec.checkHeader(fields);
      else onFields(fields);
    },
    onScan,
  );
  if (records === 0) throw new StageError(emptyFileMessage(path));
  if (records === 1) throw new StageError(noRowsMessage(path));
  return records - 1;
}

/** All rows of a pipeline CSV, streamed in. */
export async function readTable(path: string, schema: Schema): Promise<Row[]> {
  const rows: Row[] = [];
  await readRows(path, schema, (row) => rows.push(row));
  return rows;
}

/** A table's rows streamed into a column matrix: what the train stage needs, a third of the memory of rows. */
export async function readMatrix(path: string, schema: Schema): Promise<FeatureMatrix> {
  let builder = new MatrixBuilder(schema.features.length, schema.classes.length);
  const codec = new RecordCodec(schema);
  const features = new Array<number>(schema.features.length);
  // Sized from the scan (the lines but the header), so a million rows are neither doubled nor copied.
  const sized = ({ lines }: CsvScan) => {
    builder = new MatrixBuilder(schema.features.length, schema.classes.length, Math.max(lines - 1, 1));
  };
  await readDecoded(path, codec, (fields) => builder.push(features, codec.decodeInto(fields, features)), sized);
  return builder.finish();
}

/**
 * A raw data file (any CSV with a header) read in two passes: the survey infers the schema and counts the
 * rows, then the values go into typed arrays. Returns the columns and how many rows were dropped.
 */
export async function readRawColumns(path: string, choice: DataChoice): Promise<{ raw: RawColumns; dropped: number }> {
  let survey: RawSurvey | undefined;
  const records = await streamRecords(path, (fields, index) => {
    if (survey === undefined) survey = new RawSurvey(fields, choice);
    else survey.add(fields, index);
  });
  if (records === 0 || survey === undefined) throw new StageError(emptyFileMessage(path));
  const surveyed = await located(path, () => (survey as RawSurvey).finish(path));
  const builder = new RawColumnsBuilder(surveyed);
  await streamRecords(path, (fields, index) => {
    if (index > 0) builder.add(fields);
  });
  return { raw: builder.finish(), dropped: surveyed.rowsDropped };
}

/** A CSV line (csvLine's bytes, LF included) bound for the table at index `table` of writeTables' paths. */
export interface TableRecord {
  table: number;
  line: string;
}

/** Lines are gathered to about this many characters before they go to the file. */
const WRITE_BATCH = 1 << 16;

/**
 * Streams records into CSV tables that all start with `header`. The files, and the `texts` beside them
 * (whole or in pieces, as writeStreamed takes them), appear together, atomically, once all are written.
 */
export async function writeTables(
  paths: readonly string[],
  header: readonly string[],
  records: Iterable<TableRecord>,
  texts: Record<string, string | Iterable<string>> = {},
): Promise<void> {
  await writeStreamed(
    paths,
    async (files) => {
      const pending = files.map(() => csvLine(header));
      const flush = async (table: number) => {
        const text = pending[table] as string;
        pending[table] = "";
        await writeChunk(files[table] as WriteStream, text);
      };
      for (const { table, line } of records) {
        const text = `${pending[table] as string}${line}`;
        pending[table] = text;
        if (text.length >= WRITE_BATCH) await flush(table);
      }
      for (let table = 0; table < files.length; table++) await flush(table);
    },
    texts,
  );
}

/** Rows as records of one table, encoded through the schema. */
export function* rowRecords(schema: Schema, table: number, rows: Iterable<Row>): Generator<TableRecord> {
  const codec = new RecordCodec(schema);
  for (const row of rows) yield { table, line: codec.encodeLine(row) };
}

/** Tagged rows (as syntheticTables gives them) as records, encoded through the schema. */
export function* taggedRecords(schema: Schema, rows: Iterable<{ table: number; row: Row }>): Generator<TableRecord> {
  const codec = new RecordCodec(schema);
  for (const { table, row } of rows) yield { table, line: codec.encodeLine(row) };
}
