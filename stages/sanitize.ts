// Stage sanitize: flag suspicious training rows, drop them, and score the flags against the poison manifest.

import { pipelineForest } from "./core/classifier.ts";
import { headerOf } from "./core/dataset.ts";
import { detect, keptRows } from "./core/defense/detect.ts";
import { detectorsOf } from "./core/defense/methods.ts";
import { noDetection } from "./core/defense/no-detection.ts";
import { flagsFile, parseManifestRows, sanitizeHeadline, sanitizeMetrics } from "./core/defense/sanitize-outputs.ts";
import { stableJson } from "./core/format.ts";
import { matrixRow, tableRows } from "./core/matrix-table.ts";
import { defenseParams, trainParams } from "./core/params.ts";
import { createRng } from "./core/rng.ts";
import { readMatrix, rowRecords, writeTables } from "./shell/csv-stream.ts";
import { readJson, readSchema } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("sanitize", async () => {
  const params = loadParams("defense", defenseParams);
  const schema = readSchema(PATHS.schema);
  const table = await readMatrix(PATHS.trainPoisoned, schema);
  // The detectors never see the manifest; it only scores their flags.
  const manifest = parseManifestRows(readJson(PATHS.manifest), table.rowCount, PATHS.manifest);
  // Row objects only for the detectors: with `none` the table passes through as columns, in bounded memory,
  // and the file comes out byte for byte as poison wrote it.
  const detecting = detectorsOf(params.method).length > 0;
  const rows = detecting ? Array.from({ length: table.rowCount }, (_, i) => matrixRow(table, i)) : [];
  const train = pipelineForest(loadParams("train", trainParams), schema);
  const detection = detecting ? detect(rows, params, createRng(params.seed), train) : noDetection(table.rowCount);
  const metrics = sanitizeMetrics(params, detection, manifest);
  const kept = detecting ? keptRows(rows, detection.flags) : tableRows(table);
  await writeTables([PATHS.trainSanitized], headerOf(schema), rowRecords(schema, 0, kept), {
    [PATHS.flags]: stableJson(flagsFile(params, schema, rows, detection)),
    [PATHS.sanitizeMetrics]: stableJson(sanitizeHeadline(metrics)),
    [PATHS.sanitizeDetails]: stableJson(metrics),
  });
  console.log(
    `sanitize: ${metrics.method} removed ${metrics.removed} of ${table.rowCount} rows (precision ${metrics.precision.toFixed(3)}, recall ${metrics.recall.toFixed(3)} against ${PATHS.manifest}) -> ${PATHS.trainSanitized}`,
  );
});
