// Stage poison: attack the clean training split only, and record every touched row in a manifest.
// The table is read as columns and written back row by row: a million rows fit in bounded memory.
import { attackOptions } from "./core/attacks/resolve-options.ts";
import { headerOf } from "./core/dataset.ts";
import { matrixInput, poisonedRows } from "./core/matrix-table.ts";
import { poisonParams } from "./core/params.ts";
import { buildManifest, manifestText, planPoison } from "./core/poison.ts";
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
  const manifest = buildManifest(spec, clean.rowCount, poisoned, schema);
  await writeTables([PATHS.trainPoisoned], headerOf(schema), rowRecords(schema, 0, poisonedRows(clean, poisoned)), {
    [PATHS.manifest]: manifestText(manifest),
  });
  console.log(
    `poison: ${params.method} at rate ${params.rate}: ${manifest.rows_poisoned} of ${clean.rowCount} rows poisoned -> ${PATHS.trainPoisoned}`,
  );
});
