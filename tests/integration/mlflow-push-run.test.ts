/**
 * The exactly-once push and the REST client against a real `mlflow server` on 127.0.0.1: one run per
 * result, nothing on a second push, a new run for a changed result, an interrupted push completed (also
 * across a server restart), two simultaneous pushes of one result leaving one run.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MlflowClient } from "../../stages/mlflow/client.ts";
import { MlflowError } from "../../stages/mlflow/http-policy.ts";
import {
  MODEL_READY,
  type ModelSource,
  modelsOfRun,
  type PushRequest,
  pushResult,
  runsWithKey,
} from "../../stages/mlflow/push-run.ts";
import { buildResult, CONTENT_KEY_TAG, contentKey, type PipelineResult, runName } from "../../stages/mlflow/result.ts";
import { type MlflowServer, startMlflowServer } from "../support/mlflow-server.ts";

const encoder = new TextEncoder();

function result(rate: number, accuracy: number): PipelineResult {
  const params = {
    poison: { method: "label_flip", rate, seed: 7 },
    train: { n_estimators: 100, max_depth: null },
    mlflow: { enabled: true },
  };
  const metrics = { accuracy, per_class: { setosa: { f1: 1 } }, test_rows: 30 };
  return buildResult(
    params,
    [{ path: "metrics/evaluate.json", json: metrics }],
    [
      { path: "metrics/evaluate.json", bytes: encoder.encode(JSON.stringify(metrics)) },
      { path: "models/model.json", bytes: encoder.encode(`{"trees":${rate}}`) },
      { path: "params.yaml", bytes: encoder.encode(`poison:\n  rate: ${rate}\n`) },
    ],
  );
}

function request(experiment: string, pushed: PipelineResult): PushRequest {
  return {
    experiment,
    result: pushed,
    key: contentKey(pushed),
    runName: runName(pushed.params),
    tags: { "dvc.exp_name": "test-exp" },
  };
}

/** A model source; the server does not look inside model.onnx, so any bytes do. */
const model: ModelSource = {
  name: "model",
  onnx: encoder.encode("not really onnx"),
  schema: { features: [{ name: "x", kind: "numeric" }], classes: ["a", "b"] },
  exampleRows: [["1.5"]],
  requirements: { mlflow: "3.17.2", onnx: "1.23.2", onnxruntime: "1.32.0", python: "3.11" },
};

class Interrupted extends Error {}

describe("pushResult against a real MLflow server", () => {
  let server: MlflowServer;
  let client: MlflowClient;

  before(async () => {
    server = await startMlflowServer();
    client = new MlflowClient({ uri: server.uri, credentials: { kind: "none" } });
  });
  after(async () => server?.stop({ removeDir: true }));

  async function runsOf(experiment: string) {
    const found = await client.getExperimentByName(experiment);
    return found === undefined ? [] : client.searchRuns({ experimentIds: [found.experiment_id] });
  }

  it("creates one finished run with exactly the params, metrics, tags and files of the result", async () => {
    const pushed = result(0.1, 0.9);
    const outcome = await pushResult(client, request("exact", pushed), { now: Date.now });
    assert.equal(outcome.action, "created");
    const runs = await runsOf("exact");
    assert.equal(runs.length, 1);
    const run = await client.getRun(outcome.runId);
    assert.equal(run.info.status, "FINISHED");
    assert.equal(run.info.run_name, "label_flip-10pct");
    assert.deepEqual(Object.fromEntries(run.data.params.map((p) => [p.key, p.value])), {
      "poison.method": "label_flip",
      "poison.rate": "0.1",
      "poison.seed": "7",
      "train.max_depth": "null",
      "train.n_estimators": "100",
    });
    assert.deepEqual(Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])), {
      accuracy: 0.9,
      "per_class.setosa.f1": 1,
      test_rows: 30,
    });
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    assert.equal(tags[CONTENT_KEY_TAG], contentKey(pushed));
    assert.equal(tags["dvc.exp_name"], "test-exp");
    assert.equal(tags["mlflow.runName"], "label_flip-10pct");
    const listed = [
      ...(await client.listArtifacts(outcome.runId)),
      ...(await client.listArtifacts(outcome.runId, "metrics")),
      ...(await client.listArtifacts(outcome.runId, "models")),
    ];
    assert.deepEqual(
      listed
        .filter((f) => !f.is_dir)
        .map((f) => f.path)
        .sort(),
      ["metrics/evaluate.json", "models/model.json", "params.yaml"],
    );
    for (const file of pushed.files) {
      assert.deepEqual(
        await client.downloadArtifact(run.info.artifact_uri, file.path),
        file.bytes,
        `${file.path} round-trips byte for byte`,
      );
    }
  });

  it("creates nothing on a second push of the same result, and a new run for a changed one", async () => {
    const first = await pushResult(client, request("twice", result(0.1, 0.9)), { now: Date.now });
    const second = await pushResult(client, request("twice", result(0.1, 0.9)), { now: Date.now });
    assert.equal(second.action, "already-pushed");
    assert.equal(second.runId, first.runId);
    assert.equal((await runsOf("twice")).length, 1);
    const changed = await pushResult(client, request("twice", result(0.5, 0.5)), { now: Date.now });
    assert.equal(changed.action, "created");
    assert.notEqual(changed.runId, first.runId);
    assert.equal((await runsOf("twice")).length, 2);
  });

  it("completes a push interrupted after the params were logged, without a second run", async () => {
    const pushed = result(0.05, 0.93);
    let interruptedRun = "";
    await assert.rejects(
      pushResult(client, request("interrupted", pushed), {
        now: Date.now,
        onStep: (step, runId) => {
          if (step === "data-logged") {
            interruptedRun = runId;
            throw new Interrupted("stopped half-way");
          }
        },
      }),
      Interrupted,
    );
    const half = await client.getRun(interruptedRun);
    assert.equal(half.info.status, "RUNNING", "an interrupted push is never marked complete");
    assert.deepEqual(await client.listArtifacts(interruptedRun), [], "no file was uploaded yet");
    const resumed = await pushResult(client, request("interrupted", pushed), { now: Date.now });
    assert.equal(resumed.action, "completed");
    assert.equal(resumed.runId, interruptedRun);
    const runs = await runsOf("interrupted");
    assert.equal(runs.length, 1);
    const done = await client.getRun(interruptedRun);
    assert.equal(done.info.status, "FINISHED");
    assert.equal(done.data.metrics.length, Object.keys(pushed.metrics).length, "each metric logged once");
    for (const metric of done.data.metrics) {
      const history = await fetch(
        `${server.uri}/api/2.0/mlflow/metrics/get-history?run_id=${interruptedRun}&metric_key=${metric.key}`,
      ).then((r) => r.json());
      assert.equal((history as { metrics: unknown[] }).metrics.length, 1, `${metric.key} has one value, not a repeat`);
    }
  });

  it("logs one READY model linked to the run, also when the push is interrupted around it", async () => {
    const experimentId = async (name: string) => (await client.getExperimentByName(name))?.experiment_id ?? "";
    // Cut off once the files are uploaded, after a model was created for the run but nothing uploaded to it
    // (as if the push died right after creating it), then once the model is READY but the run not finished.
    const pushed = result(0.15, 0.91);
    let runId = "";
    for (const stop of ["files-uploaded", "model-logged"]) {
      await assert.rejects(
        pushResult(
          client,
          { ...request("model", pushed), model },
          {
            now: Date.now,
            onStep: async (step, id) => {
              if (step !== stop) return;
              runId = id;
              if (step === "files-uploaded")
                await client.createLoggedModel({
                  experimentId: await experimentId("model"),
                  name: "model",
                  sourceRunId: id,
                });
              throw new Interrupted(`stopped at ${step}`);
            },
          },
        ),
        Interrupted,
      );
      const models = await modelsOfRun(client, await experimentId("model"), runId);
      assert.equal(models.length, 1, `one model after a stop at ${stop}`);
    }
    const done = await pushResult(client, { ...request("model", pushed), model }, { now: Date.now });
    assert.equal(done.runId, runId);
    const again = await pushResult(client, { ...request("model", pushed), model }, { now: Date.now });
    assert.equal(again.action, "already-pushed");
    const [only, ...rest] = await modelsOfRun(client, await experimentId("model"), runId);
    assert.equal(rest.length, 0);
    assert.equal(only?.info.status, MODEL_READY);
    const run = await client.getRun(runId);
    assert.equal(run.info.status, "FINISHED");
    assert.deepEqual(
      run.outputs.model_outputs.map((output) => output.model_id),
      [only?.info.model_id],
      "linked to the run once",
    );
    const mlmodel = new TextDecoder().decode(await client.downloadArtifact(only?.info.artifact_uri ?? "", "MLmodel"));
    assert.match(mlmodel, new RegExp(`model_id: "${only?.info.model_id}"`));
    assert.match(mlmodel, new RegExp(`run_id: "${runId}"`));
  });

  it("leaves one run and one model when six pushes of the same result with a model race", async () => {
    const pushed = result(0.25, 0.75);
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => pushResult(client, { ...request("race-model", pushed), model }, { now: Date.now })),
    );
    assert.equal(new Set(outcomes.map((outcome) => outcome.runId)).size, 1);
    assert.equal((await runsOf("race-model")).length, 1);
    const experimentId = (await client.getExperimentByName("race-model"))?.experiment_id ?? "";
    const models = await client.searchLoggedModels({ experimentIds: [experimentId], filter: "" });
    assert.equal(models.length, 1, "one model in the experiment");
    assert.equal(models[0]?.info.status, MODEL_READY);
    const run = await client.getRun(outcomes[0]?.runId ?? "");
    assert.equal(run.outputs.model_outputs.length, 1);
  });

  it("leaves one run when six pushes of the same result race", async () => {
    const pushed = result(0.2, 0.8);
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => pushResult(client, request("race", pushed), { now: Date.now })),
    );
    assert.equal(new Set(outcomes.map((outcome) => outcome.runId)).size, 1);
    assert.equal((await client.getRun(outcomes[0]?.runId ?? "")).info.status, "FINISHED");
    const found = await client.getExperimentByName("race");
    assert.equal((await runsWithKey(client, found?.experiment_id ?? "", contentKey(pushed))).length, 1);
    assert.equal((await runsOf("race")).length, 1);
  });

  it("surfaces MLflow's error code and message", async () => {
    await assert.rejects(client.getRun("no-such-run"), (error: unknown) => {
      assert.ok(error instanceof MlflowError);
      assert.equal(error.status, 404);
      assert.equal(error.errorCode, "RESOURCE_DOES_NOT_EXIST");
      assert.match(
        error.message,
        new RegExp(
          `MLflow at ${server.uri} answered 404 RESOURCE_DOES_NOT_EXIST to GET mlflow/runs/get: Run with id=no-such-run not found`,
        ),
      );
      return true;
    });
    const outcome = await pushResult(client, request("immutable", result(0.3, 0.7)), { now: Date.now });
    await assert.rejects(
      client.logBatch(outcome.runId, { params: [{ key: "poison.rate", value: "0.9" }] }),
      /answered 400 INVALID_PARAMETER_VALUE to POST mlflow\/runs\/log-batch: Changing param values is not allowed/,
    );
  });

  it("completes a push cut off by a server stop once the server is back", async () => {
    const pushed = result(0.15, 0.85);
    const quick = new MlflowClient({ uri: server.uri, credentials: { kind: "none" } }, { retries: 1, backoffMs: 50 });
    let cutRun = "";
    await assert.rejects(
      pushResult(quick, request("restart", pushed), {
        now: Date.now,
        onStep: async (step, runId) => {
          if (step === "run-created") {
            cutRun = runId;
            await server.stop();
          }
        },
      }),
      (error: unknown) =>
        error instanceof MlflowError &&
        /cannot reach the MLflow server at http:\/\/127\.0\.0\.1:\d+: connection refused \(2 tries/.test(error.message),
    );
    server = await startMlflowServer({ dir: server.dir, port: server.port });
    assert.equal((await client.getRun(cutRun)).info.status, "RUNNING");
    const resumed = await pushResult(client, request("restart", pushed), { now: Date.now });
    assert.deepEqual([resumed.action, resumed.runId], ["completed", cutRun]);
    assert.equal((await runsOf("restart")).length, 1);
  });
});
