import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { StageError } from "./errors.ts";
import { round6 } from "./format.ts";

/** The IRIS schema: four numeric features and the species label. Every CSV file of the pipeline has it. */
export const FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"] as const;
export const LABEL_COLUMN = "species";
export const CLASSES = ["setosa", "versicolor", "virginica"] as const;
export const HEADER: readonly string[] = [...FEATURES, LABEL_COLUMN];

/** One sample: feature values in FEATURES order and the label as an index into CLASSES. */
export interface Row {
  features: number[];
  label: number;
}

export function className(label: number): string {
  const name = CLASSES[label];
  if (name === undefined) throw new Error(`label ${label} is not a class index`);
  return name;
}

/**
 * Parses and validates a CSV table. `source` names the file in messages; every problem is a
 * StageError naming the line (1-based, the header is line 1) and the value at fault.
 */
export function parseTable(text: string, source: string): Row[] {
  if (text.trim() === "") throw new StageError(emptyFileMessage(source));
  const records = parseRecords(text, source);
  const [header, ...body] = records;
  checkHeader(header?.record ?? [], header?.line ?? 1, source);
  if (body.length === 0) throw new StageError(noRowsMessage(source));
  return body.map(({ record, line }) => parseRow(record, `${source} line ${line}`));
}

/** The messages for a file with nothing in it, or only a header; shared with the streaming reader. */
export const emptyFileMessage = (source: string): string =>
  `${source}: the file is empty; expected the header "${HEADER.join(",")}" and data rows`;
export const noRowsMessage = (source: string): string => `${source}: no data rows after the header`;

export function checkHeader(fields: readonly string[], line: number, source: string): void {
  if (fields.join(",") !== HEADER.join(",")) {
    throw new StageError(
      `${source} line ${line}: expected the header "${HEADER.join(",")}", found "${fields.join(",")}"`,
    );
  }
}

interface NumberedRecord {
  record: string[];
  line: number;
}

function parseRecords(text: string, source: string): NumberedRecord[] {
  try {
    // With `info: true` each record comes as { record, info }; csv-parse's types do not express that.
    const options = { relax_column_count: true, skip_empty_lines: true, trim: true, info: true };
    const parsed = parse(text, options) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    return parsed.map(({ record, info }) => ({ record, line: info.lines }));
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const where = line === undefined ? source : `${source} line ${line}`;
    throw new StageError(`${where}: not valid CSV: ${(error as Error).message}`);
  }
}

/** One data record as a Row; `where` names the file and line in messages. */
export function parseRow(fields: readonly string[], where: string): Row {
  if (fields.length !== HEADER.length) {
    throw new StageError(`${where}: expected ${HEADER.length} fields, found ${fields.length} ("${fields.join(",")}")`);
  }
  const features = FEATURES.map((column, i) => {
    const raw = fields[i] ?? "";
    const value = raw === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) throw new StageError(`${where}, column ${column}: "${raw}" is not a finite number`);
    return value;
  });
  const species = fields[FEATURES.length] ?? "";
  const label = (CLASSES as readonly string[]).indexOf(species);
  if (label < 0) {
    throw new StageError(
      `${where}, column ${LABEL_COLUMN}: unknown class "${species}" (expected one of ${CLASSES.join(", ")})`,
    );
  }
  return { features, label };
}

/** Writes rows as CSV with the IRIS header; numbers rounded to 6 decimals so output is byte-stable. */
export function formatTable(rows: readonly Row[]): string {
  return stringify([HEADER as string[], ...rows.map(formatRecord)]);
}

/** A row as CSV fields: numbers rounded to 6 decimals, the label as its class name. */
export function formatRecord(row: Row): string[] {
  return [...row.features.map((value) => String(round6(value))), className(row.label)];
}

/** A row as a record keyed by column name, for JSON files people read. */
export function describeRow(row: Row): Record<string, number | string> {
  const record: Record<string, number | string> = {};
  FEATURES.forEach((column, i) => {
    record[column] = round6(row.features[i] as number);
  });
  record[LABEL_COLUMN] = className(row.label);
  return record;
}

/** Per-feature [min, max] over the rows. */
export function featureRanges(rows: readonly Row[]): Array<[number, number]> {
  return FEATURES.map((_, f) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const row of rows) {
      const value = row.features[f] as number;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return [min, max];
  });
}
