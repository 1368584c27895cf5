// Stage prepare: take the raw IRIS table, or synthetic IRIS-like rows fitted to it, and split the rows,
// stratified, into clean train and test sets. Synthetic rows stream to disk: a million need no memory.
import { parseTable } from "./core/dataset.ts";
import { StageError } from "./core/errors.ts";
import { prepareParams } from "./core/params.ts";
import { createRng } from "./core/rng.ts";
import { stratifiedSplit } from "./core/split.ts";
import { splitTables, syntheticTables } from "./core/synthetic.ts";
import { writeTables } from "./shell/csv-stream.ts";
import { readText } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("prepare", async () => {
  const params = loadParams("prepare", prepareParams);
  const iris = parseTable(readText(PATHS.raw), PATHS.raw);
  const rng = createRng(params.seed);
  const synthetic = params.source === "synthetic";
  const tables = synthetic
    ? syntheticTables(iris, params.rows ?? 0, params.test_size, createRng(`${params.seed}/synthetic`), rng)
    : splitTables(stratifiedSplit(iris, params.test_size, rng));
  const [train, test] = tables.sizes;
  if (train === 0 || test === 0) {
    throw new StageError(
      `prepare.test_size = ${params.test_size} leaves ${train} train and ${test} test rows of ${train + test}`,
    );
  }
  await writeTables([PATHS.trainClean, PATHS.test], tables.rows);
  const source = synthetic ? `${train + test} synthetic rows fitted to ${PATHS.raw}` : `${iris.length} rows`;
  console.log(`prepare: ${source} -> ${train} train (${PATHS.trainClean}), ${test} test (${PATHS.test})`);
});
