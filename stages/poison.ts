// Stage poison: attack the clean training split only, and record every touched row in a manifest.

import { headerOf } from "./core/dataset.ts";
import { stableJson } from "./core/format.ts";
import { poisonParams } from "./core/params.ts";
import { buildManifest, poisonRows } from "./core/poison.ts";
import { createRng } from "./core/rng.ts";
import { readTable, rowRecords, writeTables } from "./shell/csv-stream.ts";
import { readSchema } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("poison", async () => {
  const params = loadParams("poison", poisonParams);
  const schema = readSchema(PATHS.schema);
  const clean = await readTable(PATHS.trainClean, schema);
  const result = poisonRows(clean, params, createRng(params.seed), schema);
  const manifest = buildManifest(params, clean.length, result, schema);
  await writeTables([PATHS.trainPoisoned], headerOf(schema), rowRecords(schema, 0, result.rows), {
    [PATHS.manifest]: stableJson(manifest),
  });
  console.log(
    `poison: ${params.method} at rate ${params.rate}: ${manifest.rows_poisoned} of ${clean.length} rows poisoned -> ${PATHS.trainPoisoned}`,
  );
});
