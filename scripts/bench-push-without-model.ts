// The push stage without its MLflow Model, for npm run bench:mlflow-model only: stages/push.ts to a running
// server, less readWorkspaceModel and the request's model, so the two differ in the model alone.
import { mlflowParams } from "../stages/core/params.ts";
import { MlflowClient } from "../stages/mlflow/client.ts";
import { pushResult } from "../stages/mlflow/push-run.ts";
import { readWorkspaceResult } from "../stages/mlflow/read-result.ts";
import { contentKey, runName } from "../stages/mlflow/result.ts";
import { trackingStore } from "../stages/mlflow/tracking.ts";
import { loadParams } from "../stages/shell/params-file.ts";

const settings = loadParams("mlflow", mlflowParams);
const store = trackingStore(settings, process.env);
if (store.kind === "sqlite") throw new Error("bench-push-without-model pushes to a running server only");
const result = readWorkspaceResult();
const request = {
  experiment: settings.experiment,
  result,
  key: contentKey(result),
  runName: runName(result.params),
  tags: {},
};
const outcome = await pushResult(new MlflowClient(store.target), request, { now: Date.now });
console.log(`push: ${outcome.action === "created" ? "pushed as run" : outcome.action} ${outcome.runId}`);
