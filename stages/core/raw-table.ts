import { csvField } from "./csv-lines.ts";
import { parseCsvText } from "./csv-text.ts";
import {
  type CategoricalColumn,
  type Dataset,
  type FeatureColumn,
  listed,
  RecordProblem,
  type Row,
  type Schema,
} from "./dataset.ts";
import { StageError } from "./errors.ts";
import { round6Text } from "./format.ts";
import { decimalValue, excerpt, isDecimal, isMissing } from "./values.ts";

/**
 * A raw data file (any CSV with a header) read in two passes without keeping its text: the survey decides
 * each column's kind and the classes, then the columns are read into typed arrays. A million rows of 20
 * columns take 160 MB this way.
 *
 * The rule for kinds: a feature column is numeric when every non-missing value is a decimal number, and
 * categorical when none is (or when prepare.categorical names it). A column with both is refused with a
 * message naming the first non-number and its line: a typo such as `0x10` or `Infinity` in a numeric column
 * must not silently turn the whole column into categories.
 */

export const MISSING_POLICIES = ["refuse", "drop"] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** Which columns of the file are the data: the label by name, the features (null: every other column). */
export interface DataChoice {
  label: string;
  features: readonly string[] | null;
  categorical: readonly string[];
  missing: MissingPolicy;
}

/** At most this many classes: labels are stored in one byte per row. */
export const MAX_CLASSES = 255;

interface ColumnStats {
  decimals: number;
  firstDecimal: { value: string; record: number } | null;
  /** Distinct non-decimal values with their first record. */
  others: Map<string, number>;
}

export interface Survey {
  /** The schema with every category the file holds (the training split's are chosen later). */
  schema: Schema;
  /** Column index in the file of each feature, and of the label. */
  featureIndices: number[];
  labelIndex: number;
  rowsKept: number;
  rowsDropped: number;
  classCounts: number[];
}

/** Pass one: the header, then every record; `finish` gives the survey. */
export class RawSurvey {
  private readonly featureIndices: number[];
  private readonly labelIndex: number;
  private readonly used: number[];
  private readonly stats: ColumnStats[];
  private readonly labels = new Map<string, number>();
  private kept = 0;
  private dropped = 0;

  constructor(
    private readonly header: readonly string[],
    private readonly choice: DataChoice,
  ) {
    const duplicate = header.find((name, i) => header.indexOf(name) !== i);
    if (duplicate !== undefined) throw new RecordProblem(`the column name ${excerpt(duplicate)} appears twice`);
    this.labelIndex = header.indexOf(choice.label);
    if (this.labelIndex < 0) {
      throw new RecordProblem(
        `no column ${excerpt(choice.label)} for the label (prepare.label); the columns are ${listed(header)}`,
      );
    }
    const named = choice.features ?? header.filter((_, i) => i !== this.labelIndex);
    for (const name of [...named, ...choice.categorical]) {
      if (!header.includes(name)) {
        throw new RecordProblem(
          `no column ${excerpt(name)} (in prepare.features or prepare.categorical); the columns are ${listed(header)}`,
        );
      }
      if (name === choice.label) throw new RecordProblem(`the label column ${excerpt(name)} cannot also be a feature`);
    }
    if (named.length === 0) {
      throw new RecordProblem(`no feature columns: the file has only the label column ${excerpt(choice.label)}`);
    }
    this.featureIndices = named.map((name) => header.indexOf(name));
    this.used = [...this.featureIndices, this.labelIndex];
    this.stats = named.map(() => ({ decimals: 0, firstDecimal: null, others: new Map() }));
  }

  /** Surveys one data record (`record` is its index; the header is 0). */
  add(fields: readonly string[], record: number): void {
    if (fields.length !== this.header.length) {
      throw new RecordProblem(
        `expected ${this.header.length} fields, found ${fields.length} (${excerpt(fields.join(","))})`,
      );
    }
    if (!this.complete(fields)) {
      this.dropped++;
      return;
    }
    this.kept++;
    this.featureIndices.forEach((index, f) => {
      const value = fields[index] as string;
      const stats = this.stats[f] as ColumnStats;
      if (isDecimal(value)) {
        stats.decimals++;
        stats.firstDecimal ??= { value, record };
      } else if (!stats.others.has(value)) {
        stats.others.set(value, record);
      }
    });
    const label = fields[this.labelIndex] as string;
    this.labels.set(label, (this.labels.get(label) ?? 0) + 1);
  }

  /** Whether a record has every used value; with the policy "refuse" a missing one is a RecordProblem. */
  private complete(fields: readonly string[]): boolean {
    for (const index of this.used) {
      const value = fields[index] as string;
      if (!isMissing(value)) continue;
      if (this.choice.missing === "drop") return false;
      throw new RecordProblem(
        `missing value ${excerpt(value)} (empty, NA and ? are missing); set prepare.missing: drop to drop such rows`,
        this.header[index],
      );
    }
    return true;
  }

  finish(source: string): Survey {
    if (this.kept === 0) {
      throw new StageError(
        `${source}: no data rows${this.dropped > 0 ? ` left after dropping ${this.dropped} with missing values` : " after the header"}`,
      );
    }
    const features = this.featureIndices.map((index, f) =>
      this.kindOf(this.header[index] as string, this.stats[f] as ColumnStats),
    );
    const classes = sortedClasses([...this.labels.keys()]);
    if (classes.length < 2) {
      throw new StageError(
        `${source}, column ${this.choice.label}: every row has the class ${excerpt(classes[0] ?? "")}; a classifier needs at least two classes`,
      );
    }
    if (classes.length > MAX_CLASSES) {
      throw new StageError(
        `${source}, column ${this.choice.label}: ${classes.length} distinct classes (at most ${MAX_CLASSES}); is it the label column?`,
      );
    }
    return {
      schema: { features, label: this.choice.label, classes },
      featureIndices: this.featureIndices,
      labelIndex: this.labelIndex,
      rowsKept: this.kept,
      rowsDropped: this.dropped,
      classCounts: classes.map((name) => this.labels.get(name) ?? 0),
    };
  }

  private kindOf(name: string, stats: ColumnStats): FeatureColumn {
    const forced = this.choice.categorical.includes(name);
    if (!forced && stats.others.size === 0) return { name, kind: "numeric" };
    if (forced || stats.decimals === 0) {
      // A forced column's numbers are categories too; every value is kept as written.
      return { name, kind: "categorical", categories: [] };
    }
    const [first, record] = [...stats.others].sort((a, b) => a[1] - b[1])[0] as [string, number];
    throw new RecordProblem(
      `${excerpt(first)} is not a decimal number, but ${stats.decimals} other values of the column are (first ${excerpt(stats.firstDecimal?.value ?? "")}); fix the value, or list the column in prepare.categorical to treat all its values as categories`,
      name,
      record,
    );
  }
}

/** Classes in a stable order: numerically when all are numbers, else by code unit. */
export function sortedClasses(names: readonly string[]): string[] {
  if (names.every(isDecimal)) return [...names].sort((a, b) => decimalValue(a) - decimalValue(b) || byCodeUnit(a, b));
  return [...names].sort(byCodeUnit);
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The file's columns in typed arrays: numbers, category codes (into `vocabularies`), class indices. */
export interface RawColumns {
  schema: Schema;
  rowCount: number;
  columns: Array<Float64Array | Int32Array>;
  /** Per feature: the categories of the whole file, sorted (empty for a numeric feature). */
  vocabularies: string[][];
  labels: Uint8Array;
}

/**
 * Pass two: reads the records again into columns. A categorical value gets a code when first seen; finish
 * renumbers the codes so the categories are sorted. Rows with a missing value are skipped exactly as pass
 * one dropped them.
 */
export class RawColumnsBuilder {
  private readonly columns: Array<Float64Array | Int32Array>;
  private readonly codes: Array<Map<string, number> | null>;
  private readonly labels: Uint8Array;
  private readonly classIndex: Map<string, number>;
  private count = 0;

  constructor(private readonly survey: Survey) {
    const { schema, rowsKept } = survey;
    this.columns = schema.features.map((column) =>
      column.kind === "numeric" ? new Float64Array(rowsKept) : new Int32Array(rowsKept),
    );
    this.codes = schema.features.map((column) => (column.kind === "categorical" ? new Map() : null));
    this.labels = new Uint8Array(rowsKept);
    this.classIndex = new Map(schema.classes.map((name, index) => [name, index]));
  }

  add(fields: readonly string[]): void {
    const { featureIndices, labelIndex } = this.survey;
    if (isMissing(fields[labelIndex] as string) || featureIndices.some((index) => isMissing(fields[index] as string))) {
      return;
    }
    const row = this.count++;
    for (let f = 0; f < featureIndices.length; f++) {
      const value = fields[featureIndices[f] as number] as string;
      const codes = this.codes[f];
      const column = this.columns[f] as Float64Array | Int32Array;
      if (codes === null || codes === undefined) {
        column[row] = decimalValue(value);
      } else {
        let code = codes.get(value);
        if (code === undefined) {
          code = codes.size;
          codes.set(value, code);
        }
        column[row] = code;
      }
    }
    this.labels[row] = this.classIndex.get(fields[labelIndex] as string) as number;
  }

  finish(): RawColumns {
    const { schema } = this.survey;
    const vocabularies = this.codes.map((codes, f) => {
      if (!codes) return [];
      const sorted = [...codes.keys()].sort(byCodeUnit);
      const renumber = new Int32Array(sorted.length);
      sorted.forEach((value, code) => {
        renumber[codes.get(value) as number] = code;
      });
      const column = this.columns[f] as Int32Array;
      for (let row = 0; row < this.count; row++) column[row] = renumber[column[row] as number] as number;
      return sorted;
    });
    const features = schema.features.map((column, f) =>
      column.kind === "categorical" ? { ...column, categories: vocabularies[f] as string[] } : column,
    );
    return {
      schema: { ...schema, features },
      rowCount: this.count,
      columns: this.columns,
      vocabularies,
      labels: this.labels,
    };
  }
}

/** All rows, with codes into the whole file's categories (to fit the synthetic generator, or for the study). */
export function rawRows(raw: RawColumns): Row[] {
  return Array.from({ length: raw.rowCount }, (_, row) => ({
    features: raw.columns.map((column) => column[row] as number),
    label: raw.labels[row] as number,
  }));
}

/**
 * The schema the pipeline runs with: each categorical feature keeps the categories its training rows hold
 * (sorted), so a category seen only in the test split is unseen, as it would be for new data.
 */
export function trainingSchema(raw: RawColumns, inTest: Uint8Array): Schema {
  const features = raw.schema.features.map((column, f): FeatureColumn => {
    if (column.kind === "numeric") return column;
    const codes = raw.columns[f] as Int32Array;
    const seen = new Uint8Array(column.categories.length);
    for (let row = 0; row < raw.rowCount; row++) if (inTest[row] === 0) seen[codes[row] as number] = 1;
    return { ...column, categories: column.categories.filter((_, code) => seen[code] === 1) } as CategoricalColumn;
  });
  return { ...raw.schema, features };
}

/** Every row as a CSV line in the pipeline's column order (csvLine's bytes), tagged train (0) or test (1). */
export function* splitRecords(raw: RawColumns, inTest: Uint8Array): Generator<{ table: number; line: string }> {
  const { features, classes } = raw.schema;
  const names = raw.vocabularies.map((vocabulary) => vocabulary.map(csvField));
  const classNames = classes.map(csvField);
  for (let row = 0; row < raw.rowCount; row++) {
    let line = "";
    for (let f = 0; f < features.length; f++) {
      const value = (raw.columns[f] as Float64Array | Int32Array)[row] as number;
      line += features[f]?.kind === "numeric" ? `${round6Text(value)},` : `${names[f]?.[value] as string},`;
    }
    yield { table: inTest[row] as number, line: `${line}${classNames[raw.labels[row] as number] as string}\n` };
  }
}

/** A raw file's text read in full (small files: the bundled sets, the study's IRIS, tests). */
export function loadRawTable(text: string, source: string, choice: DataChoice): RawColumns {
  const records = parseCsvText(text, source);
  const lineOf = (index: number) => records[index]?.line ?? 1;
  let current = 0;
  try {
    const [header, ...body] = records;
    if (header === undefined)
      throw new StageError(`${source}: the file is empty; expected a header line and data rows`);
    const survey = new RawSurvey(header.fields, choice);
    body.forEach(({ fields }, i) => {
      current = i + 1;
      survey.add(fields, current);
    });
    const builder = new RawColumnsBuilder(survey.finish(source));
    for (const { fields } of body) builder.add(fields);
    return builder.finish();
  } catch (error) {
    if (!(error instanceof RecordProblem)) throw error;
    throw error.at(`${source} line ${lineOf(error.record ?? current)}`);
  }
}

/** A raw file's text as a data set in memory: the schema (with every category of the file) and the rows. */
export function loadDataset(text: string, source: string, choice: DataChoice): Dataset {
  const raw = loadRawTable(text, source, choice);
  return { schema: raw.schema, rows: rawRows(raw) };
}
