// Stage prepare: validate the raw IRIS table and split it, stratified, into clean train and test sets.
import { formatTable, parseTable } from "./core/dataset.ts";
import { prepareParams } from "./core/params.ts";
import { createRng } from "./core/rng.ts";
import { stratifiedSplit } from "./core/split.ts";
import { StageError } from "./core/errors.ts";
import { readText, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("prepare", () => {
  const params = loadParams("prepare", prepareParams);
  const rows = parseTable(readText(PATHS.raw), PATHS.raw);
  const { train, test } = stratifiedSplit(rows, params.test_size, createRng(params.seed));
  if (train.length === 0 || test.length === 0) {
    throw new StageError(`prepare.test_size = ${params.test_size} leaves ${train.length} train and ${test.length} test rows of ${rows.length}`);
  }
  writeOutputs({ [PATHS.trainClean]: formatTable(train), [PATHS.test]: formatTable(test) });
  console.log(`prepare: ${rows.length} rows -> ${train.length} train (${PATHS.trainClean}), ${test.length} test (${PATHS.test})`);
});
