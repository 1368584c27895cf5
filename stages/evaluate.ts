// Stage evaluate: score the model on the clean test split, and on a poisoned copy of it for comparison.
import { evaluate, headlineMetrics } from "./core/evaluation.ts";
import { stableJson } from "./core/format.ts";
import { parseCheckedManifest } from "./core/manifest-file.ts";
import { loadModelFile } from "./core/model.ts";
import { poisonParams } from "./core/params.ts";
import { poisonRows } from "./core/poison.ts";
import { createRng, subSeed } from "./core/rng.ts";
import { readTable } from "./shell/csv-stream.ts";
import { readJson, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("evaluate", async () => {
  const poison = loadParams("poison", poisonParams);
  // The model carries the schema it was trained on: the test split is encoded with it.
  const { classifier, schema } = loadModelFile(readJson(PATHS.model), PATHS.model);
  const test = await readTable(PATHS.test, schema);
  const { rows_in, rows_out, rows_poisoned } = parseCheckedManifest(readJson(PATHS.manifest), PATHS.manifest, poison);
  const counts = { rows_in, rows_out, rows_poisoned };
  // The test copy gets the same attack from its own seed, as if the whole data set had been poisoned.
  const poisonedTest = poisonRows(test, poison, createRng(subSeed(poison.seed, "test")), schema).rows;
  const { metrics, confusion } = evaluate(classifier, schema, test, poisonedTest, counts);
  writeOutputs({
    [PATHS.metrics]: stableJson(headlineMetrics(metrics, poison)),
    [PATHS.evaluateDetails]: stableJson(metrics),
    [PATHS.confusion]: stableJson(confusion),
  });
  console.log(
    `evaluate: clean-test accuracy ${metrics.accuracy.toFixed(3)}, on poisoned test ${metrics.accuracy_on_poisoned_test.toFixed(3)} -> ${PATHS.metrics}`,
  );
});
