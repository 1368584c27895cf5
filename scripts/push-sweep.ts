// npm run mlflow:push-sweep: push every finished DVC experiment of the repo (`dvc exp show --json`) as one
// MLflow run each, exactly once, to the server or local sqlite store and experiment of params.yaml's mlflow
// section (or MLFLOW_TRACKING_URI). Runs whatever mlflow.enabled says: calling it is the request to push.
import { mlflowParams } from "../stages/core/params.ts";
import { MlflowClient } from "../stages/mlflow/client.ts";
import { listExperiments } from "../stages/mlflow/exp-show.ts";
import { withTrackingServer } from "../stages/mlflow/local-server.ts";
import { browseHint } from "../stages/mlflow/local-store.ts";
import { describeOutcome, textTable } from "../stages/mlflow/push-messages.ts";
import { pushResult } from "../stages/mlflow/push-run.ts";
import {
  atExperiment,
  dvcCacheDir,
  dvcExpShowJson,
  PUSH_STAGE,
  readExperimentLock,
  readExperimentResult,
} from "../stages/mlflow/read-result.ts";
import { contentKey, provenanceTags, runName } from "../stages/mlflow/result.ts";
import { describeStale, staleDeps } from "../stages/mlflow/stale-stages.ts";
import { trackingStore } from "../stages/mlflow/tracking.ts";
import { loadParams } from "../stages/shell/params-file.ts";
import { runStage } from "../stages/shell/run-stage.ts";

await runStage("push-sweep", async () => {
  const settings = loadParams("mlflow", mlflowParams);
  const store = trackingStore(settings, process.env);
  const experiments = listExperiments(dvcExpShowJson());
  for (const skipped of experiments.filter((experiment) => experiment.state !== "done")) {
    console.log(`push-sweep: skipping experiment ${skipped.name}: ${skipped.state}`);
  }
  const done = experiments.filter((experiment) => experiment.state === "done");
  const finished = done.filter((experiment) => {
    const stale = staleDeps(readExperimentLock(experiment), atExperiment("dvc.lock", experiment), [PUSH_STAGE]);
    if (stale.length > 0)
      console.log(`push-sweep: skipping experiment ${experiment.name}: ${describeStale(stale, experiment.name)}`);
    return stale.length === 0;
  });
  if (done.length > 0 && finished.length === 0) {
    console.log("push-sweep: no experiment ran every stage; nothing to push");
    return;
  }
  if (finished.length === 0) {
    console.log(
      "push-sweep: no finished DVC experiments to push (run some with: dvc exp run --queue -S 'poison.rate=0,0.05,0.1,0.5' && dvc queue start)",
    );
    return;
  }
  const rows: string[][] = [];
  await withTrackingServer(store, async (target, shown) => {
    const client = new MlflowClient(target);
    const cacheDir = dvcCacheDir();
    for (const experiment of finished) {
      const result = readExperimentResult(experiment, cacheDir);
      const name = runName(result.params);
      const tags = provenanceTags({
        gitCommit: experiment.rev,
        expName: experiment.name,
        baselineRev: experiment.baselineRev,
        expRev: experiment.rev,
      });
      const request = { experiment: settings.experiment, result, key: contentKey(result), runName: name, tags };
      const outcome = await pushResult(client, request, { now: Date.now });
      console.log(`push-sweep: ${experiment.name}: ${describeOutcome(outcome, name, settings.experiment, shown)}`);
      rows.push([
        experiment.name,
        name,
        result.params["poison.rate"] ?? "",
        String(result.metrics.accuracy ?? ""),
        outcome.action,
        outcome.runId,
      ]);
    }
  });
  console.log(`\n${textTable(["DVC experiment", "run name", "poison.rate", "accuracy", "push", "MLflow run"], rows)}`);
  if (store.kind === "sqlite") console.log(`push-sweep: ${browseHint(store)}`);
});
