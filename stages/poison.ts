// Stage poison: attack the clean training split only, and record every touched row in a manifest.
// The table is read as columns and written back row by row: a million rows fit in bounded memory.
import { attackOptions } from "./core/attacks/resolve-options.ts";
import { headerOf } from "./core/dataset.ts";
import { matrixInput, poisonedRows } from "./core/matrix-table.ts";
import { poisonParams } from "./core/params.ts";
import { manifestPieces, planPoison } from "./core/poison.ts";
import { createRng } from "./core/rng.ts";
import { readMatrix, rowRecords, writeTables } from "./shell/csv-stream.ts";
import { readSchema } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("poison", async () => {
  const params = loadParams("poison", poisonParams);
  const schema = readSchema(PATHS.schema);
  const clean = await readMatrix(PATHS.trainClean, schema);
  const input = matrixInput(clean);
  const spec = { ...params, options: attackOptions(params, schema, input) };
  const poisoned = planPoison(input, spec, createRng(params.seed), schema);
  // The manifest is written in pieces: at a million rows it is tens of megabytes.
  await writeTables([PATHS.trainPoisoned], headerOf(schema), rowRecords(schema, 0, poisonedRows(clean, poisoned)), {
    [PATHS.manifest]: manifestPieces(spec, clean.rowCount, poisoned, schema),
  });
  console.log(
    `poison: ${params.method} at rate ${params.rate}: ${poisoned.length} of ${clean.rowCount} rows poisoned -> ${PATHS.trainPoisoned}`,
  );
});
