// Stage prepare: read the data set params.yaml names (any CSV with a header in data/raw/), infer its schema,
// and split the rows, stratified, into clean train and test sets; or draw synthetic rows fitted to it.
// The schema (feature kinds, categories, classes) goes beside the split for every later stage.
import { DEFAULT_SOURCE, dataChoice, rawFile } from "./core/data-source.ts";
import { headerOf } from "./core/dataset.ts";
import { StageError } from "./core/errors.ts";
import { stableJson } from "./core/format.ts";
import { prepareParams } from "./core/params.ts";
import { prepareTables } from "./core/prepare-tables.ts";
import { createRng, subSeed } from "./core/rng.ts";
import type { DatasetFile } from "./core/schema-file.ts";
import { readRawColumns, writeTables } from "./shell/csv-stream.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("prepare", async () => {
  const params = loadParams("prepare", prepareParams);
  const source = params.source ?? DEFAULT_SOURCE;
  const file = rawFile(source);
  const { raw, dropped } = await readRawColumns(file, dataChoice(params));
  const spec = { test_size: params.test_size, rows: params.rows ?? null };
  const tables = prepareTables(raw, spec, createRng(params.seed), createRng(subSeed(params.seed, "synthetic")), file);
  const [train, test] = tables.sizes;
  if (train === 0 || test === 0) {
    throw new StageError(
      `prepare.test_size = ${params.test_size} leaves ${train} train and ${test} test rows of ${train + test}`,
    );
  }
  const described: DatasetFile = {
    source,
    file,
    ...tables.schema,
    rows_read: raw.rowCount + dropped,
    rows_dropped: dropped,
    train_rows: train,
    test_rows: test,
  };
  await writeTables([PATHS.trainClean, PATHS.test], headerOf(tables.schema), tables.records, {
    [PATHS.schema]: stableJson(described),
  });
  const what =
    spec.rows === null ? `${raw.rowCount} rows` : `${train + test} synthetic rows fitted to ${raw.rowCount} rows`;
  const drop = dropped > 0 ? ` (${dropped} rows with missing values dropped)` : "";
  console.log(
    `prepare: ${file}: ${what}${drop}, ${tables.schema.features.length} features, ${tables.schema.classes.length} classes -> ${train} train (${PATHS.trainClean}), ${test} test (${PATHS.test})`,
  );
});
