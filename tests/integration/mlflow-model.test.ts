/**
 * The push stage's MLflow Model under the real dvc CLI, in a throw-away copy of this repository, against a
 * real `mlflow server`: the MLflow Python client from .venv finds the run's one LoggedModel (in the run's
 * outputs and by searching), loads it with mlflow.pyfunc.load_model("models:/<model_id>"), and its labels
 * on the test split are poisonlab's own. A repeated push makes no second run and no second model.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { loadModelFile, predictLabels } from "../../stages/core/model.ts";
import { MlflowClient } from "../../stages/mlflow/client.ts";
import { readTable } from "../../stages/shell/csv-stream.ts";
import { type MlflowServer, settleConnections, startMlflowServer } from "../support/mlflow-server.ts";
import { createTempRepo, PROJECT_ROOT, runCommand, type TempRepo } from "../support/temp-repo.ts";

const NO_CREDENTIALS = { MLFLOW_TRACKING_TOKEN: "", MLFLOW_TRACKING_USERNAME: "", MLFLOW_TRACKING_PASSWORD: "" };

interface Loaded {
  outputs: string[];
  searched: Array<[string, string]>;
  all_models: string[];
  flavors: string[];
  loader_module: string;
  signature_inputs: Array<[string, string]>;
  labels: string[];
  columns: string[];
}

describe("the push stage's MLflow Model", () => {
  let repo: TempRepo;
  let server: MlflowServer;
  let client: MlflowClient;
  const env = () => ({ ...NO_CREDENTIALS, MLFLOW_TRACKING_URI: server.uri });

  async function runIds(): Promise<string[]> {
    await settleConnections();
    const experiment = await client.getExperimentByName("poisonlab");
    if (experiment === undefined) return [];
    return (await client.searchRuns({ experimentIds: [experiment.experiment_id] })).map((run) => run.info.run_id);
  }

  /** tests/support/mlflow_model_predict.py on the run: what MLflow's own Python client finds and predicts. */
  function loadWithPython(runId: string): Loaded {
    const script = join(PROJECT_ROOT, "tests/support/mlflow_model_predict.py");
    const args = [
      script,
      server.uri,
      "poisonlab",
      runId,
      "data/prepared/test.csv",
      "data/prepared/schema.json",
      "out.json",
    ];
    // MLflow downloads the model into temp folders it keeps: keep them inside the throw-away copy.
    mkdirSync(repo.path("python-tmp"), { recursive: true });
    const result = runCommand(repo.dir, "python3", args, {
      env: { ...NO_CREDENTIALS, TMPDIR: repo.path("python-tmp") },
    });
    assert.equal(result.status, 0, `mlflow_model_predict.py failed:\n${result.stderr}`);
    return JSON.parse(repo.read("out.json")) as Loaded;
  }

  before(async () => {
    repo = createTempRepo();
    server = await startMlflowServer();
    client = new MlflowClient({ uri: server.uri, credentials: { kind: "none" } });
    const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
    (params.mlflow as Record<string, unknown>).enabled = true;
    repo.write("params.yaml", stringify(params));
  });
  after(async () => {
    await server?.stop({ removeDir: true });
    repo?.remove();
  });

  it("logs one READY LoggedModel linked to the run; pyfunc.load_model predicts poisonlab's labels", async () => {
    repo.ok("dvc", ["repro", "push"], { env: env() });
    const [runId, ...others] = await runIds();
    assert.ok(runId);
    assert.equal(others.length, 0);
    const loaded = loadWithPython(runId);
    assert.equal(loaded.outputs.length, 1, "the run has one model output");
    assert.deepEqual(loaded.searched, [[loaded.outputs[0], loaded.searched[0]?.[1]]]);
    assert.match(String(loaded.searched[0]?.[1]), /READY/);
    assert.deepEqual(loaded.all_models, loaded.outputs, "the experiment has no other model");
    assert.deepEqual(loaded.flavors, ["onnx", "python_function"]);
    assert.equal(loaded.loader_module, "mlflow.onnx");

    const { classifier, schema } = loadModelFile(JSON.parse(repo.read("models/model.json")), "models/model.json");
    assert.deepEqual(
      loaded.signature_inputs,
      schema.features.map((column) => [column.name, column.kind === "numeric" ? "double" : "string"]),
    );
    assert.deepEqual(loaded.columns, ["label", ...schema.classes.map((name) => `probability_${name}`)]);
    const rows = await readTable(repo.path("data/prepared/test.csv"), schema);
    const expected = predictLabels(
      classifier,
      rows.map((row) => row.features),
    ).map((label) => schema.classes[label]);
    assert.equal(loaded.labels.length, rows.length);
    assert.deepEqual(loaded.labels, expected);
  });

  it("a repeated push adds no run and no model", async () => {
    const [runId] = await runIds();
    assert.ok(runId);
    const forced = repo.ok("dvc", ["repro", "--force", "--single-item", "push"], { env: env() }).stdout;
    assert.match(forced, /push: already in MLflow as run/);
    assert.deepEqual(await runIds(), [runId]);
    const loaded = loadWithPython(runId);
    assert.equal(loaded.all_models.length, 1);
    assert.deepEqual(loaded.all_models, loaded.outputs);
  });
});
