// Stage sanitize: flag suspicious training rows, drop them, and score the flags against the poison manifest.

import { headerOf } from "./core/dataset.ts";
import { detect, keptRows } from "./core/defense/detect.ts";
import { forestTrainer } from "./core/defense/forest-trainer.ts";
import { flagsFile, parseManifestRows, sanitizeMetrics } from "./core/defense/report.ts";
import { stableJson } from "./core/format.ts";
import { defenseParams, trainParams } from "./core/params.ts";
import { createRng } from "./core/rng.ts";
import { readTable, rowRecords, writeTables } from "./shell/csv-stream.ts";
import { readJson, readSchema } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("sanitize", async () => {
  const params = loadParams("defense", defenseParams);
  const schema = readSchema(PATHS.schema);
  const rows = await readTable(PATHS.trainPoisoned, schema);
  // The detectors never see the manifest; it only scores their flags.
  const manifest = parseManifestRows(readJson(PATHS.manifest), rows.length, PATHS.manifest);
  const detection = detect(
    rows,
    params,
    createRng(params.seed),
    forestTrainer(loadParams("train", trainParams), schema),
  );
  const metrics = sanitizeMetrics(params, detection, manifest);
  // With `none` the kept rows are all rows, and the file comes out byte for byte as poison wrote it.
  const kept = keptRows(rows, detection.flags);
  await writeTables([PATHS.trainSanitized], headerOf(schema), rowRecords(schema, 0, kept), {
    [PATHS.flags]: stableJson(flagsFile(params, schema, rows, detection)),
    [PATHS.sanitizeMetrics]: stableJson(metrics),
  });
  console.log(
    `sanitize: ${metrics.method} removed ${metrics.removed} of ${rows.length} rows (precision ${metrics.precision.toFixed(3)}, recall ${metrics.recall.toFixed(3)} against ${PATHS.manifest}) -> ${PATHS.trainSanitized}`,
  );
});
