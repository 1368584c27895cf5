/**
 * Pushes one pipeline result as exactly one MLflow run. The run carries the result's content key as a tag
 * from the moment it is created and is marked FINISHED only after everything is logged and uploaded, so:
 *  - a FINISHED run with the key means the result is already there: nothing is sent;
 *  - an unfinished run with the key is a push that was interrupted: it is completed, not duplicated
 *    (params and metrics already logged are skipped, files are uploaded again, which overwrites them);
 *  - no run with the key: a new run.
 * With a model, the run also gets one MLflow 3 LoggedModel (the ONNX model as an MLflow Model directory),
 * created with the run as its source before the run finishes, so a resumed push finds it and a finished
 * run never gets a second one.
 * Talks to the server only through the client; the caller passes the clock. No fs, no env.
 */
import { StageError } from "../core/errors.ts";
import { type MlflowModelSpec, mlflowModelFiles } from "../core/mlflow-model.ts";
import type { LogBatch, MlflowClient } from "./client.ts";
import { MlflowError } from "./http-policy.ts";
import { CONTENT_KEY_TAG, type PipelineResult } from "./result.ts";
import type { LoggedModel, Run } from "./schemas.ts";

export interface PushRequest {
  experiment: string;
  result: PipelineResult;
  key: string; // contentKey(result)
  runName: string;
  tags: Record<string, string>; // besides the key and run name; empty values are dropped
  model?: ModelSource; // logged as the run's MLflow Model; none for a result without an ONNX model
}

/** What the MLflow Model is made of; the ids and the time come from the server and the run. */
export type ModelSource = Omit<MlflowModelSpec, "modelId" | "artifactLocation" | "runId" | "created"> & {
  name: string; // the LoggedModel's name
};

export const MODEL_READY = "LOGGED_MODEL_READY";

export type PushAction = "created" | "completed" | "already-pushed";

export interface PushOutcome {
  action: PushAction;
  runId: string;
  experimentId: string;
}

export type PushStep = "run-created" | "run-resumed" | "data-logged" | "files-uploaded" | "model-logged";

export interface PushHooks {
  now: () => number; // milliseconds since the epoch
  /** Called after each step; a test can stop a push here to leave it half done. */
  onStep?: (step: PushStep, runId: string) => void | Promise<void>;
}

// MLflow's limits for one runs/log-batch request.
const MAX_PARAMS = 100;
const MAX_TAGS = 100;
const MAX_METRICS = 1000;

// How often a push starts over because a racing push of the same result deleted the run it was filling.
const MAX_RESTARTS = 5;

export async function pushResult(client: MlflowClient, request: PushRequest, hooks: PushHooks): Promise<PushOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pushOnce(client, request, hooks);
    } catch (error) {
      // Starting over finds the run that survived the race (or, if none did, makes one).
      if (!isDeletedRunError(error) || attempt === MAX_RESTARTS) throw error;
    }
  }
}

/** MLflow's answer to writing into a run that another push has just deleted. */
export function isDeletedRunError(error: unknown): boolean {
  return error instanceof MlflowError && error.status === 400 && /must be in the 'active' state/.test(error.message);
}

async function pushOnce(client: MlflowClient, request: PushRequest, hooks: PushHooks): Promise<PushOutcome> {
  const experimentId = await ensureExperiment(client, request.experiment);
  const existing = await runsWithKey(client, experimentId, request.key);
  let run = existing[0];
  let action: PushAction = "completed";
  if (run?.info.status === "FINISHED") return { action: "already-pushed", runId: run.info.run_id, experimentId };
  if (run === undefined) {
    const created = await createRunOnce(client, experimentId, request, hooks.now());
    run = created.run;
    if (run.info.status === "FINISHED") return { action: "already-pushed", runId: run.info.run_id, experimentId };
    if (created.ours) action = "created";
    await hooks.onStep?.(created.ours ? "run-created" : "run-resumed", run.info.run_id);
  } else {
    await hooks.onStep?.("run-resumed", run.info.run_id);
  }
  const runId = run.info.run_id;
  const current = await logMissingData(client, runId, request, run.info.start_time ?? hooks.now());
  await hooks.onStep?.("data-logged", runId);
  for (const file of request.result.files)
    await client.uploadArtifact(current.info.artifact_uri, file.path, file.bytes);
  await hooks.onStep?.("files-uploaded", runId);
  if (request.model !== undefined) {
    await logModel(client, current, request.model);
    await hooks.onStep?.("model-logged", runId);
  }
  // Last look before finishing: pushes racing from the start may each have kept their own run. All of them
  // order the runs the same way, so exactly one finishes; the others delete theirs and point to it.
  const winner = (await runsWithKey(client, experimentId, request.key))[0];
  if (winner !== undefined && winner.info.run_id !== runId) {
    await client.deleteRun(runId);
    for (const model of await modelsOfRun(client, experimentId, runId))
      await client.deleteLoggedModel(model.info.model_id);
    return { action: "already-pushed", runId: winner.info.run_id, experimentId };
  }
  await client.updateRun(runId, "FINISHED", hooks.now());
  return { action, runId, experimentId };
}

/**
 * Logs the run's MLflow Model as its one LoggedModel: found by its source run (a resumed push) or created,
 * its files uploaded to the model's own artifact location, linked to the run as an output (as MLflow's
 * log_model does), then finalized READY. A READY model linked to the run is left as it is.
 */
async function logModel(client: MlflowClient, run: Run, source: ModelSource): Promise<LoggedModel> {
  const { run_id: runId, experiment_id: experimentId } = run.info;
  const model = await modelOnce(client, experimentId, runId, source.name);
  const linked = run.outputs.model_outputs.some((output) => output.model_id === model.info.model_id);
  if (model.info.status === MODEL_READY && linked) return model;
  const { name: _name, ...spec } = source;
  const files = mlflowModelFiles({
    ...spec,
    modelId: model.info.model_id,
    artifactLocation: model.info.artifact_uri,
    runId,
    created: pythonUtcTime(run.info.start_time ?? 0),
  });
  for (const file of files) await client.uploadArtifact(model.info.artifact_uri, file.path, file.bytes);
  if (!linked) await linkOnce(client, runId, model.info.model_id);
  return client.finalizeLoggedModel(model.info.model_id);
}

/**
 * Links the model to the run. MLflow stores one link per run and model, so a push racing this one may have
 * linked it first: its refusal is fine when the run now shows the link.
 */
async function linkOnce(client: MlflowClient, runId: string, modelId: string): Promise<void> {
  try {
    await client.logOutputs(runId, [modelId]);
  } catch (error) {
    if (!(error instanceof MlflowError && error.status === 400)) throw error;
    const run = await client.getRun(runId);
    if (!run.outputs.model_outputs.some((output) => output.model_id === modelId)) throw error;
  }
}

/** The run's LoggedModel, created when it has none; like runs, a racing second one is deleted. */
async function modelOnce(
  client: MlflowClient,
  experimentId: string,
  runId: string,
  name: string,
): Promise<LoggedModel> {
  const found = (await modelsOfRun(client, experimentId, runId))[0];
  if (found !== undefined) return found;
  const created = await client.createLoggedModel({ experimentId, name, sourceRunId: runId });
  const oldest = (await modelsOfRun(client, experimentId, runId))[0];
  if (oldest === undefined || oldest.info.model_id === created.info.model_id) return created;
  await client.deleteLoggedModel(created.info.model_id);
  return oldest;
}

/** The LoggedModels made by the run, oldest first, ties broken by id. */
export async function modelsOfRun(client: MlflowClient, experimentId: string, runId: string): Promise<LoggedModel[]> {
  if (!/^[0-9a-f]+$/.test(runId)) throw new StageError(`run id ${JSON.stringify(runId)} is not hexadecimal`);
  const models = await client.searchLoggedModels({
    experimentIds: [experimentId],
    filter: `source_run_id = '${runId}'`,
  });
  return models.sort(
    (a, b) => a.info.creation_timestamp_ms - b.info.creation_timestamp_ms || compare(a.info.model_id, b.info.model_id),
  );
}

/** The experiment's id, creating it when missing; a deleted one is an error (MLflow keeps its name). */
export async function ensureExperiment(client: MlflowClient, name: string): Promise<string> {
  const found = await client.getExperimentByName(name);
  if (found !== undefined) {
    if (found.lifecycle_stage !== "active") {
      throw new StageError(
        `MLflow experiment "${name}" at ${client.uri} is deleted; restore it (mlflow experiments restore --experiment-id ${found.experiment_id}) or choose another name in mlflow.experiment`,
      );
    }
    return found.experiment_id;
  }
  try {
    return await client.createExperiment(name);
  } catch (error) {
    // Another push created it in the meantime.
    const created = await client.getExperimentByName(name);
    if (created !== undefined) return created.experiment_id;
    throw error;
  }
}

/**
 * Active runs carrying the key, in the one order every pusher uses: finished runs first, then oldest first,
 * ties broken by id. A finished run always wins, so a push that started late never displaces a done one.
 */
export async function runsWithKey(client: MlflowClient, experimentId: string, key: string): Promise<Run[]> {
  if (!/^[0-9a-f]+$/.test(key)) throw new StageError(`content key ${JSON.stringify(key)} is not hexadecimal`);
  const runs = await client.searchRuns({
    experimentIds: [experimentId],
    filter: `tags.\`${CONTENT_KEY_TAG}\` = '${key}'`,
  });
  const finished = (run: Run) => (run.info.status === "FINISHED" ? 0 : 1);
  return runs.sort(
    (a, b) =>
      finished(a) - finished(b) ||
      (a.info.start_time ?? 0) - (b.info.start_time ?? 0) ||
      compare(a.info.run_id, b.info.run_id),
  );
}

/**
 * Creates the run, then looks again: if another push of the same result created one first (two pushes at
 * once, or a create that was retried after the server had already applied it), ours is deleted and the
 * oldest is used, so only one run per key survives.
 */
async function createRunOnce(
  client: MlflowClient,
  experimentId: string,
  request: PushRequest,
  now: number,
): Promise<{ run: Run; ours: boolean }> {
  const created = await client.createRun({
    experimentId,
    runName: request.runName,
    startTime: now,
    tags: { [CONTENT_KEY_TAG]: request.key },
  });
  const oldest = (await runsWithKey(client, experimentId, request.key))[0];
  if (oldest === undefined || oldest.info.run_id === created.info.run_id) return { run: created, ours: true };
  await client.deleteRun(created.info.run_id);
  return { run: oldest, ours: false };
}

/**
 * Logs what the run lacks. A rejected batch is looked at again: when another push of the same result
 * logged the same keys at the same moment (sqlite then refuses the duplicates), nothing is missing anymore.
 */
async function logMissingData(
  client: MlflowClient,
  runId: string,
  request: PushRequest,
  timestamp: number,
): Promise<Run> {
  for (let attempt = 1; ; attempt++) {
    const current = await client.getRun(runId);
    try {
      for (const batch of missingData(current, request, timestamp)) await client.logBatch(runId, batch);
      return current;
    } catch (error) {
      if (!(error instanceof MlflowError && error.status === 400) || attempt === 3) throw error;
    }
  }
}

/**
 * The log-batch requests that bring a run up to the result: params and metrics it lacks, tags that differ.
 * A param already logged with another value cannot be fixed (MLflow params are immutable): an error.
 */
export function missingData(current: Run, request: PushRequest, timestamp: number): LogBatch[] {
  const params = new Map(current.data.params.map((param) => [param.key, param.value]));
  const metrics = new Set(current.data.metrics.map((metric) => metric.key));
  const tags = new Map(current.data.tags.map((tag) => [tag.key, tag.value]));
  const paramList = Object.entries(request.result.params).flatMap(([key, value]) => {
    const logged = params.get(key);
    if (logged === undefined) return [{ key, value }];
    if (logged !== value) {
      throw new StageError(
        `MLflow run ${current.info.run_id} already has param ${key} = ${JSON.stringify(logged)}, not ${JSON.stringify(value)}; params cannot change, so delete that run and push again`,
      );
    }
    return [];
  });
  const wanted: Record<string, string> = {
    "mlflow.runName": request.runName,
    ...request.tags,
    [CONTENT_KEY_TAG]: request.key,
  };
  const tagList = Object.entries(wanted)
    .filter(([key, value]) => value !== "" && tags.get(key) !== value)
    .map(([key, value]) => ({ key, value }));
  const metricList = Object.entries(request.result.metrics)
    .filter(([key]) => !metrics.has(key))
    .map(([key, value]) => ({ key, value, timestamp, step: 0 }));
  const batches: LogBatch[] = [];
  for (let i = 0; i < paramList.length; i += MAX_PARAMS) batches.push({ params: paramList.slice(i, i + MAX_PARAMS) });
  for (let i = 0; i < tagList.length; i += MAX_TAGS) batches.push({ tags: tagList.slice(i, i + MAX_TAGS) });
  for (let i = 0; i < metricList.length; i += MAX_METRICS)
    batches.push({ metrics: metricList.slice(i, i + MAX_METRICS) });
  return batches;
}

/** Python's str() of a UTC datetime, as MLflow writes utc_time_created: `2026-01-02 03:04:05.678000`. */
export function pythonUtcTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-02T03:04:05.678Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
