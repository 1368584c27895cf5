// The data of the engine benchmarks (scripts/bench-engines.ts, scripts/bench-predict.ts): the pipeline's own
// prepare output, written as CSV files both Node and scikit-learn read.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { IRIS_CHOICE } from "../stages/core/data-source.ts";
import { headerOf } from "../stages/core/dataset.ts";
import { loadDataset } from "../stages/core/raw-table.ts";
import { createRng, subSeed } from "../stages/core/rng.ts";
import { stratifiedSplit } from "../stages/core/split.ts";
import { splitTables, syntheticTables } from "../stages/core/synthetic.ts";
import { taggedRecords, writeTables } from "../stages/shell/csv-stream.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** IRIS as the pipeline reads it: the benchmarks' data are IRIS or IRIS-like. */
export const IRIS = loadDataset(
  readFileSync(join(ROOT, "data/raw/iris.csv"), "utf8"),
  "data/raw/iris.csv",
  IRIS_CHOICE,
);

/** The pipeline's prepare output for n rows: IRIS itself at 150, synthetic IRIS-like rows otherwise. */
export async function writeBenchData(folder: string, size: number) {
  const tables =
    size === 150
      ? splitTables(stratifiedSplit(IRIS.rows, 0.2, createRng(42)))
      : syntheticTables(IRIS, size, 0.2, createRng(subSeed(42, "synthetic")), createRng(42));
  const train = join(folder, `train-${size}.csv`);
  const test = join(folder, `test-${size}.csv`);
  await writeTables([train, test], headerOf(IRIS.schema), taggedRecords(IRIS.schema, tables.rows));
  return { train, test, trainRows: tables.sizes[0], testRows: tables.sizes[1] };
}
