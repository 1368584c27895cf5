// Stage evaluate: score the model on the clean test split, and on a poisoned copy of it for comparison.
import { attackSuccessRate } from "./core/attacks/backdoor.ts";
import { manifestTrigger } from "./core/attacks/manifest-trigger.ts";
import { attackOptions } from "./core/attacks/resolve-options.ts";
import { evaluate, headlineMetrics } from "./core/evaluation.ts";
import { stableJson } from "./core/format.ts";
import { parseCheckedManifest } from "./core/manifest-file.ts";
import { loadModelFile } from "./core/model.ts";
import { poisonParams } from "./core/params.ts";
import { poisonRows, rowsTable } from "./core/poison.ts";
import { createRng, subSeed } from "./core/rng.ts";
import { readTable } from "./shell/csv-stream.ts";
import { readJson, writeOutputs } from "./shell/files.ts";
import { walkOnThreads } from "./shell/forest-predict-pool.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("evaluate", async () => {
  const poison = loadParams("poison", poisonParams);
  // The model carries the schema it was trained on: the test split is encoded with it.
  // A big poisonlab-forest prediction is walked on worker threads, as many as train would use.
  const { classifier, schema } = loadModelFile(readJson(PATHS.model), PATHS.model, undefined, walkOnThreads());
  const test = await readTable(PATHS.test, schema);
  const manifest = parseCheckedManifest(readJson(PATHS.manifest), PATHS.manifest, poison);
  const counts = { rows_in: manifest.rows_in, rows_out: manifest.rows_out, rows_poisoned: manifest.rows_poisoned };
  // The test copy gets the same attack from its own seed, as if the whole data set had been poisoned; a
  // backdoor stamps the trigger the poison stage recorded.
  const trigger = manifestTrigger(manifest, schema, PATHS.manifest);
  const options = attackOptions(poison, schema, rowsTable(test, schema.features.length), trigger);
  const spec = { ...poison, options };
  const poisonedTest = poisonRows(test, spec, createRng(subSeed(poison.seed, "test")), schema).rows;
  const { metrics, confusion } = evaluate(classifier, schema, test, poisonedTest, counts);
  const successRate =
    options.backdoor === undefined ? undefined : attackSuccessRate(classifier, test, options.backdoor);
  writeOutputs({
    [PATHS.metrics]: stableJson(headlineMetrics(metrics, poison, successRate)),
    [PATHS.evaluateDetails]: stableJson(metrics),
    [PATHS.confusion]: stableJson(confusion),
  });
  const backdoorNote = successRate === undefined ? "" : `, attack success rate ${successRate?.toFixed(3) ?? "n/a"}`;
  console.log(
    `evaluate: clean-test accuracy ${metrics.accuracy.toFixed(3)}, on poisoned test ${metrics.accuracy_on_poisoned_test.toFixed(3)}${backdoorNote} -> ${PATHS.metrics}`,
  );
});
