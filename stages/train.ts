// Stage train: fit a random forest on the poisoned training set and save it as a versioned JSON model file.
import { parseTable } from "./core/dataset.ts";
import { trainModel } from "./core/model.ts";
import { trainParams } from "./core/params.ts";
import { readText, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("train", () => {
  const params = loadParams("train", trainParams);
  const rows = parseTable(readText(PATHS.trainPoisoned), PATHS.trainPoisoned);
  const model = trainModel(rows, params);
  // Not rounded: split thresholds must stay exact. The engines are deterministic, so the bytes are stable.
  writeOutputs({ [PATHS.model]: `${JSON.stringify(model)}\n` });
  console.log(`train: ${params.engine}, ${params.n_estimators} trees on ${rows.length} rows -> ${PATHS.model}`);
});
