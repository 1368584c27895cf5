// Stage sanitize: flag suspicious training rows, drop them, and score the flags against the poison manifest.

import { pipelineForest } from "./core/classifier.ts";
import { detect, keptRows } from "./core/defense/detect.ts";
import { flagsFile, parseManifestRows, sanitizeHeadline, sanitizeMetrics } from "./core/defense/sanitize-outputs.ts";
import { stableJson } from "./core/format.ts";
import { defenseParams, trainParams } from "./core/params.ts";
import { createRng } from "./core/rng.ts";
import { readTable, toTable, writeTables } from "./shell/csv-stream.ts";
import { readJson } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("sanitize", async () => {
  const params = loadParams("defense", defenseParams);
  const rows = await readTable(PATHS.trainPoisoned);
  // The detectors never see the manifest; it only scores their flags.
  const manifest = parseManifestRows(readJson(PATHS.manifest), rows.length, PATHS.manifest);
  const detection = detect(rows, params, createRng(params.seed), pipelineForest(loadParams("train", trainParams)));
  const metrics = sanitizeMetrics(params, detection, manifest);
  // With `none` the kept rows are all rows, and the file comes out byte for byte as poison wrote it.
  await writeTables([PATHS.trainSanitized], toTable(0, keptRows(rows, detection.flags)), {
    [PATHS.flags]: stableJson(flagsFile(params, rows, detection)),
    [PATHS.sanitizeMetrics]: stableJson(sanitizeHeadline(metrics)),
    [PATHS.sanitizeDetails]: stableJson(metrics),
  });
  console.log(
    `sanitize: ${metrics.method} removed ${metrics.removed} of ${rows.length} rows (precision ${metrics.precision.toFixed(3)}, recall ${metrics.recall.toFixed(3)} against ${PATHS.manifest}) -> ${PATHS.trainSanitized}`,
  );
});
