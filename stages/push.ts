// Stage push: mirror the pipeline's result to an MLflow tracking server or a local sqlite store (through a
// private server started for the push), exactly once. Off by default.
import { mlflowParams } from "./core/params.ts";
import { MlflowClient } from "./mlflow/client.ts";
import { withTrackingServer } from "./mlflow/local-server.ts";
import { browseHint } from "./mlflow/local-store.ts";
import { describeOutcome } from "./mlflow/push-messages.ts";
import { pushResult } from "./mlflow/push-run.ts";
import { gitHead, readWorkspaceModel, readWorkspaceResult } from "./mlflow/read-result.ts";
import { contentKey, provenanceTags, runName } from "./mlflow/result.ts";
import { trackingStore } from "./mlflow/tracking.ts";
import { loadParams } from "./shell/params-file.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("push", async () => {
  const settings = loadParams("mlflow", mlflowParams);
  if (!settings.enabled) {
    console.log("push: off (mlflow.enabled is false in params.yaml); nothing sent");
    return;
  }
  const store = trackingStore(settings, process.env);
  const result = readWorkspaceResult();
  const name = runName(result.params);
  // Under `dvc exp run` the experiment's commit does not exist yet: HEAD is its baseline.
  const tags = provenanceTags({
    gitCommit: gitHead(),
    expName: process.env.DVC_EXP_NAME,
    baselineRev: process.env.DVC_EXP_BASELINE_REV,
  });
  const model = readWorkspaceModel();
  const request = { experiment: settings.experiment, result, key: contentKey(result), runName: name, tags, model };
  await withTrackingServer(store, async (target, shown) => {
    const outcome = await pushResult(new MlflowClient(target), request, { now: Date.now });
    console.log(`push: ${describeOutcome(outcome, name, settings.experiment, shown)}`);
  });
  if (store.kind === "sqlite") console.log(`push: ${browseHint(store)}`);
});
