import { stringify } from "csv-stringify/sync";
import { csvField } from "./csv-lines.ts";
import { parseCsvText } from "./csv-text.ts";
import { StageError } from "./errors.ts";
import { round6, round6Text } from "./format.ts";
import { decimalValue, excerpt, isMissing } from "./values.ts";

/**
 * The schema of a data set: its feature columns, each numeric or categorical, and the label column with its
 * classes. prepare infers it from the raw file and writes it beside the split; every later stage reads the
 * pipeline's CSV files through it, and the model file carries it, so prediction encodes the same way.
 */
export interface NumericColumn {
  name: string;
  kind: "numeric";
}

/**
 * A categorical column is ordinal-encoded: a value's code is its index in `categories` (the categories of
 * the training split, sorted). A value outside them (seen only in the test split) gets the code
 * categories.length, one past the last: the trees send it the way they send the highest category.
 */
export interface CategoricalColumn {
  name: string;
  kind: "categorical";
  categories: string[];
}

export type FeatureColumn = NumericColumn | CategoricalColumn;

export interface Schema {
  features: FeatureColumn[];
  label: string;
  classes: string[];
}

/** One sample: feature values (numbers, or category codes) in schema order and the label as a class index. */
export interface Row {
  features: number[];
  label: number;
}

/** A data set in memory: its schema and its rows (the study's IRIS, a fitting source). */
export interface Dataset {
  schema: Schema;
  rows: Row[];
}

/** The header of the pipeline's CSV files: the features in schema order, the label last. */
export function headerOf(schema: Schema): string[] {
  return [...schema.features.map((column) => column.name), schema.label];
}

export function className(schema: Schema, label: number): string {
  const name = schema.classes[label];
  if (name === undefined) throw new Error(`label ${label} is not a class index`);
  return name;
}

/** The code of a category a column never saw in training. */
export function unseenCode(column: CategoricalColumn): number {
  return column.categories.length;
}

/**
 * A problem with one record; the reader knows where the record starts and adds the file and line.
 * `record` is the record's index (0 is the header) when the problem is found after the record was read.
 */
export class RecordProblem extends Error {
  constructor(
    message: string,
    readonly column?: string,
    readonly record?: number,
  ) {
    super(message);
  }

  /** The StageError a person reads: `file line N, column C: what is wrong`. */
  at(where: string): StageError {
    return new StageError(`${where}${this.column === undefined ? "" : `, column ${this.column}`}: ${this.message}`);
  }
}

/** Turns records of a pipeline CSV into rows and rows back into records, for one schema. */
export class RecordCodec {
  readonly header: string[];
  private readonly codes: Array<Map<string, number> | null>;
  private readonly classIndex: Map<string, number>;
  /** Category and class names as a CSV field writes them (quoted where they must be). */
  private readonly quotedCategories: Array<string[] | null>;
  private readonly quotedClasses: string[];

  constructor(readonly schema: Schema) {
    this.header = headerOf(schema);
    this.codes = schema.features.map((column) =>
      column.kind === "categorical" ? new Map(column.categories.map((category, code) => [category, code])) : null,
    );
    this.classIndex = new Map(schema.classes.map((name, index) => [name, index]));
    this.quotedCategories = schema.features.map((column) =>
      column.kind === "categorical" ? column.categories.map(csvField) : null,
    );
    this.quotedClasses = schema.classes.map(csvField);
  }

  checkHeader(fields: readonly string[]): void {
    if (fields.join(",") !== this.header.join(",")) {
      throw new RecordProblem(
        `expected the header ${excerpt(this.header.join(","))}, found ${excerpt(fields.join(","))}`,
      );
    }
  }

  decode(fields: readonly string[]): Row {
    const features = new Array<number>(this.schema.features.length);
    return { features, label: this.decodeInto(fields, features) };
  }

  /** Decodes a record's features into `features` (reused by streaming readers) and returns its label. */
  decodeInto(fields: readonly string[], features: number[]): number {
    const columns = this.schema.features;
    if (fields.length !== columns.length + 1) {
      throw new RecordProblem(
        `expected ${columns.length + 1} fields, found ${fields.length} (${excerpt(fields.join(","))})`,
      );
    }
    for (let i = 0; i < columns.length; i++) {
      const raw = fields[i] as string;
      const column = columns[i] as FeatureColumn;
      if (isMissing(raw)) throw new RecordProblem(`missing value ${excerpt(raw)}`, column.name);
      const codes = this.codes[i];
      if (codes) {
        features[i] = codes.get(raw) ?? (column as CategoricalColumn).categories.length;
      } else {
        const value = decimalValue(raw);
        if (Number.isNaN(value)) throw new RecordProblem(`${excerpt(raw)} is not a decimal number`, column.name);
        features[i] = value;
      }
    }
    const name = fields[columns.length] as string;
    const label = this.classIndex.get(name);
    if (label === undefined) {
      throw new RecordProblem(
        `unknown class ${excerpt(name)} (expected one of ${listed(this.schema.classes)})`,
        this.schema.label,
      );
    }
    return label;
  }

  /** A row as CSV fields: numbers rounded to 6 decimals, categories and the label by name. */
  encode(row: Row): string[] {
    const fields = this.schema.features.map((column, i) => formatValue(column, row.features[i] as number));
    fields.push(className(this.schema, row.label));
    return fields;
  }

  /** A row as one CSV line, byte for byte csvLine(encode(row)); the names are quoted once, not per row. */
  encodeLine(row: Row): string {
    const columns = this.schema.features;
    let line = "";
    for (let i = 0; i < columns.length; i++) {
      const value = row.features[i] as number;
      const names = this.quotedCategories[i];
      if (names === null || names === undefined) {
        line += `${round6Text(value)},`;
      } else {
        const name = names[value];
        if (name === undefined) formatValue(columns[i] as FeatureColumn, value); // throws its message
        line += `${name},`;
      }
    }
    const label = this.quotedClasses[row.label];
    if (label === undefined) className(this.schema, row.label); // throws its message
    return `${line}${label}\n`;
  }
}

function formatValue(column: FeatureColumn, value: number): string {
  if (column.kind === "numeric") return round6Text(value);
  const category = column.categories[value];
  if (category === undefined) throw new Error(`code ${value} is no category of column ${column.name}`);
  return category;
}

/** At most ten names, for messages. */
export function listed(names: readonly string[]): string {
  const shown = names.slice(0, 10).map(excerpt).join(", ");
  return names.length > 10 ? `${shown}, … (${names.length} in all)` : shown;
}

/**
 * Parses a pipeline CSV (header, then one row per record) through the schema. `source` names the file in
 * messages; every problem is a StageError naming the line where the bad record starts and the value.
 */
export function parseTable(text: string, source: string, schema: Schema): Row[] {
  const codec = new RecordCodec(schema);
  const records = parseCsvText(text, source);
  const [header, ...body] = records;
  if (header === undefined) throw new StageError(emptyFileMessage(source));
  try {
    codec.checkHeader(header.fields);
  } catch (error) {
    throw error instanceof RecordProblem ? error.at(`${source} line ${header.line}`) : error;
  }
  if (body.length === 0) throw new StageError(noRowsMessage(source));
  return body.map(({ fields, line }) => {
    try {
      return codec.decode(fields);
    } catch (error) {
      throw error instanceof RecordProblem ? error.at(`${source} line ${line}`) : error;
    }
  });
}

/** The messages for a file with nothing in it, or only a header; shared with the streaming reader. */
export const emptyFileMessage = (source: string): string =>
  `${source}: the file is empty; expected a header line and data rows`;
export const noRowsMessage = (source: string): string => `${source}: no data rows after the header`;

/** Writes rows as CSV with the schema's header; numbers rounded to 6 decimals so output is byte-stable. */
export function formatCsv(schema: Schema, rows: readonly Row[]): string {
  const codec = new RecordCodec(schema);
  return stringify([codec.header, ...rows.map((row) => codec.encode(row))]);
}

/** A row as a record keyed by column name, for JSON files people read. */
export function describeRow(schema: Schema, row: Row): Record<string, number | string> {
  const record: Record<string, number | string> = {};
  schema.features.forEach((column, i) => {
    const value = row.features[i] as number;
    record[column.name] = column.kind === "numeric" ? round6(value) : formatValue(column, value);
  });
  record[schema.label] = className(schema, row.label);
  return record;
}

/** Per-feature [min, max] over the rows (for a categorical feature: of its codes). */
export function featureRanges(rows: readonly Row[], featureCount: number): Array<[number, number]> {
  return Array.from({ length: featureCount }, (_, f) => {
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
