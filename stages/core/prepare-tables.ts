import type { Schema } from "./dataset.ts";
import { RecordCodec } from "./dataset.ts";
import { type RawColumns, rawRows, splitRecords, trainingSchema } from "./raw-table.ts";
import type { Rng } from "./rng.ts";
import { checkSplittable, stratifiedTestMask } from "./split.ts";
import { syntheticTables } from "./synthetic.ts";

/** What prepare writes: the schema of the split, the two tables' sizes, and the records in file order. */
export interface PreparedTables {
  schema: Schema;
  sizes: [train: number, test: number];
  records: Iterable<{ table: number; line: string }>;
}

export interface PrepareSpec {
  test_size: number;
  /** Synthetic rows fitted to the data instead of the data itself; null for the data. */
  rows: number | null;
}

/**
 * The stratified split of a raw table, or `rows` synthetic rows fitted to it and split the same way.
 * `splitRng` chooses the test rows; `sampleRng` draws synthetic rows. `source` names the data in messages.
 */
export function prepareTables(
  raw: RawColumns,
  spec: PrepareSpec,
  splitRng: Rng,
  sampleRng: Rng,
  source: string,
): PreparedTables {
  if (spec.rows !== null) {
    const stream = syntheticTables(
      { schema: raw.schema, rows: rawRows(raw) },
      spec.rows,
      spec.test_size,
      sampleRng,
      splitRng,
    );
    const codec = new RecordCodec(raw.schema);
    return { schema: raw.schema, sizes: stream.sizes, records: encode(stream.rows, codec) };
  }
  const counts = new Array<number>(raw.schema.classes.length).fill(0);
  for (const label of raw.labels) counts[label] = (counts[label] as number) + 1;
  checkSplittable(raw.schema.classes, counts, spec.test_size, source);
  const inTest = stratifiedTestMask(raw.labels, spec.test_size, splitRng);
  const test = inTest.reduce((sum, bit) => sum + bit, 0);
  return {
    schema: trainingSchema(raw, inTest),
    sizes: [raw.rowCount - test, test],
    records: splitRecords(raw, inTest),
  };
}

function* encode(
  rows: Iterable<{ table: number; row: { features: number[]; label: number } }>,
  codec: RecordCodec,
): Generator<{ table: number; line: string }> {
  for (const { table, row } of rows) yield { table, line: codec.encodeLine(row) };
}
