// Stage certify: partition aggregation trained on the sanitized training set, scored on the clean test split
// with each test point's certified radius, by plurality (stages/core/certify/certificate.ts) or run-off
// (stages/core/certify/run-off.ts) as certify.aggregation says.
import { certifyMetrics, certifyPlot, certifySeries } from "./core/certify/certify-outputs.ts";
import { certifiedPredictions, trainPartitions } from "./core/certify/partition-aggregation.ts";
import { stableJson } from "./core/format.ts";
import { certifyParams } from "./core/params.ts";
import { readTable } from "./shell/csv-stream.ts";
import { readSchema, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("certify", async () => {
  const params = loadParams("certify", certifyParams);
  const schema = readSchema(PATHS.schema);
  const train = await readTable(PATHS.trainSanitized, schema);
  const test = await readTable(PATHS.test, schema);
  const base = {
    trees: params.n_estimators,
    maxFeatures: params.max_features,
    maxDepth: params.max_depth,
    minSamplesLeaf: params.min_samples_leaf,
    seed: params.seed,
  };
  const ensemble = trainPartitions(train, schema.classes.length, params.k, base);
  const results = certifiedPredictions(
    ensemble,
    test.map((row) => row.features),
    params.aggregation,
  );
  const labels = test.map((row) => row.label);
  const metrics = certifyMetrics(results, labels, params.budgets);
  const series = certifySeries(params.k, params.n_estimators, params.aggregation);
  writeOutputs({
    [PATHS.certifyMetrics]: stableJson(metrics),
    [PATHS.certifyPlot]: stableJson(certifyPlot(results, labels, params.budgets, series)),
  });
  const certified = params.budgets.map((r) => `r=${r} ${metrics[`certified_accuracy_r${r}`]?.toFixed(3)}`);
  console.log(
    `certify: k=${params.k} parts, ${params.aggregation}, accuracy ${metrics.accuracy?.toFixed(3)}, certified ${certified.join(", ")} -> ${PATHS.certifyMetrics}`,
  );
});
