/**
 * A small typed MLflow REST client over Node's fetch: every answer validated with zod, a timeout on every
 * request, retries with backoff only on connection refused, 429 and 5xx, and MLflow's {error_code,
 * message} in every error. The Authorization header lives in a private field and never appears in a
 * message, a log line or util.inspect output.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import {
  backoffDelays,
  errorCodes,
  isConnectionRefused,
  isRetryableStatus,
  MAX_REPLY_BYTES,
  MlflowError,
  parseErrorBody,
  plainHttpCredentialsWarning,
  redirectRefused,
  replyTooLarge,
  retryAfterMs,
  statusHint,
} from "./http-policy.ts";
import * as api from "./schemas.ts";
import { authorizationHeader, credentialSource, type TrackingTarget } from "./tracking.ts";

export interface ClientOptions {
  timeoutMs?: number; // per request, body included
  retries?: number; // extra tries after a retryable failure
  backoffMs?: number; // first retry delay; doubles each time
  maxReplyBytes?: number; // answers past this are refused unread
  warn?: (message: string) => void; // where warnings go; stderr by default
}

export interface LogBatch {
  params?: Array<{ key: string; value: string }>;
  metrics?: Array<{ key: string; value: number; timestamp: number; step: number }>;
  tags?: Array<{ key: string; value: string }>;
}

interface RequestSpec<T extends z.ZodType> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string; // below the tracking URI, with its query string
  json?: unknown;
  schema: T;
}

const REST = "/api/2.0/mlflow";
const ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

export class MlflowClient {
  readonly uri: string;
  readonly #authorization: string | undefined;
  readonly #credentials: string | undefined;
  readonly #timeoutMs: number;
  readonly #delays: number[];
  readonly #maxReplyBytes: number;

  constructor(target: Pick<TrackingTarget, "uri" | "credentials">, options: ClientOptions = {}) {
    this.uri = target.uri;
    this.#authorization = authorizationHeader(target.credentials);
    this.#credentials = credentialSource(target.credentials);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#delays = backoffDelays(options.retries ?? 3, options.backoffMs ?? 500);
    this.#maxReplyBytes = options.maxReplyBytes ?? MAX_REPLY_BYTES;
    const warning = plainHttpCredentialsWarning(this.uri, this.#credentials);
    if (warning !== undefined) (options.warn ?? ((message) => console.error(message)))(warning);
  }

  /** The experiment, or undefined when none has that name. */
  async getExperimentByName(name: string): Promise<api.Experiment | undefined> {
    try {
      const answer = await this.#request({
        method: "GET",
        path: `${REST}/experiments/get-by-name?${new URLSearchParams({ experiment_name: name })}`,
        schema: api.getExperimentResponse,
      });
      return answer.experiment;
    } catch (error) {
      if (error instanceof MlflowError && error.errorCode === "RESOURCE_DOES_NOT_EXIST") return undefined;
      throw error;
    }
  }

  async createExperiment(name: string): Promise<string> {
    const answer = await this.#post("experiments/create", { name }, api.createExperimentResponse);
    return answer.experiment_id;
  }

  async createRun(spec: {
    experimentId: string;
    runName: string;
    startTime: number;
    tags: Record<string, string>;
  }): Promise<api.Run> {
    const answer = await this.#post(
      "runs/create",
      {
        experiment_id: spec.experimentId,
        run_name: spec.runName,
        start_time: spec.startTime,
        tags: keyValues(spec.tags),
      },
      api.runResponse,
    );
    return answer.run;
  }

  async getRun(runId: string): Promise<api.Run> {
    const answer = await this.#request({
      method: "GET",
      path: `${REST}/runs/get?${new URLSearchParams({ run_id: runId })}`,
      schema: api.runResponse,
    });
    return answer.run;
  }

  /** Every active run matching the filter, all pages. */
  async searchRuns(spec: { experimentIds: string[]; filter?: string; orderBy?: string[] }): Promise<api.Run[]> {
    const runs: api.Run[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await this.#post(
        "runs/search",
        {
          experiment_ids: spec.experimentIds,
          filter: spec.filter ?? "",
          run_view_type: "ACTIVE_ONLY",
          max_results: 1000,
          order_by: spec.orderBy ?? [],
          ...(pageToken === undefined ? {} : { page_token: pageToken }),
        },
        api.searchRunsResponse,
      );
      runs.push(...answer.runs);
      pageToken = answer.next_page_token || undefined;
    } while (pageToken !== undefined);
    return runs;
  }

  async logBatch(runId: string, batch: LogBatch): Promise<void> {
    await this.#post("runs/log-batch", { run_id: runId, ...batch }, api.emptyResponse);
  }

  async updateRun(
    runId: string,
    status: "RUNNING" | "FINISHED" | "FAILED" | "KILLED",
    endTime?: number,
  ): Promise<api.RunInfo> {
    const body = { run_id: runId, status, ...(endTime === undefined ? {} : { end_time: endTime }) };
    const answer = await this.#post("runs/update", body, api.updateRunResponse);
    return answer.run_info;
  }

  async deleteRun(runId: string): Promise<void> {
    await this.#post("runs/delete", { run_id: runId }, api.emptyResponse);
  }

  /** MLflow 3's LoggedModel, PENDING until finalized; its artifacts go under its own artifact_uri. */
  async createLoggedModel(spec: { experimentId: string; name: string; sourceRunId: string }): Promise<api.LoggedModel> {
    const answer = await this.#post(
      "logged-models",
      { experiment_id: spec.experimentId, name: spec.name, source_run_id: spec.sourceRunId },
      api.loggedModelResponse,
    );
    return answer.model;
  }

  /** Every LoggedModel of the experiments matching the filter (e.g. source_run_id = '...'), all pages. */
  async searchLoggedModels(spec: { experimentIds: string[]; filter: string }): Promise<api.LoggedModel[]> {
    const models: api.LoggedModel[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await this.#post(
        "logged-models/search",
        {
          experiment_ids: spec.experimentIds,
          filter: spec.filter,
          max_results: 100,
          ...(pageToken === undefined ? {} : { page_token: pageToken }),
        },
        api.searchLoggedModelsResponse,
      );
      models.push(...answer.models);
      pageToken = answer.next_page_token || undefined;
    } while (pageToken !== undefined);
    return models;
  }

  async finalizeLoggedModel(modelId: string): Promise<api.LoggedModel> {
    const answer = await this.#request({
      method: "PATCH",
      path: `${REST}/logged-models/${encodeURIComponent(modelId)}`,
      json: { model_id: modelId, status: "LOGGED_MODEL_READY" },
      schema: api.loggedModelResponse,
    });
    return answer.model;
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.#request({
      method: "DELETE",
      path: `${REST}/logged-models/${encodeURIComponent(modelId)}`,
      schema: api.emptyResponse,
    });
  }

  /** Links LoggedModels to the run as its outputs, as MLflow's log_model does. */
  async logOutputs(runId: string, modelIds: string[]): Promise<void> {
    const models = modelIds.map((modelId) => ({ model_id: modelId, step: 0 }));
    await this.#post("runs/outputs", { run_id: runId, models }, api.emptyResponse);
  }

  async listArtifacts(runId: string, path = ""): Promise<api.ArtifactFile[]> {
    const query = new URLSearchParams({ run_id: runId, ...(path === "" ? {} : { path }) });
    const answer = await this.#request({
      method: "GET",
      path: `${REST}/artifacts/list?${query}`,
      schema: api.listArtifactsResponse,
    });
    return answer.files;
  }

  /** Uploads one file through the server's proxied artifact endpoint; uploading it again overwrites it. */
  async uploadArtifact(artifactUri: string, path: string, bytes: Uint8Array): Promise<void> {
    // A big model must not time out on a slow link: allow one more second per megabyte.
    const timeoutMs = this.#timeoutMs + Math.ceil(bytes.byteLength / 1000);
    await this.#send(
      "PUT",
      artifactPath(artifactUri, path),
      bytes,
      async (response) => void (await this.#body(response, "PUT", artifactPath(artifactUri, path))),
      timeoutMs,
    );
  }

  /** Downloads one artifact through the proxied endpoint. */
  async downloadArtifact(artifactUri: string, path: string): Promise<Uint8Array> {
    return this.#send("GET", artifactPath(artifactUri, path), undefined, async (response) =>
      this.#body(response, "GET", artifactPath(artifactUri, path)),
    );
  }

  #post<T extends z.ZodType>(endpoint: string, json: unknown, schema: T): Promise<z.infer<T>> {
    return this.#request({ method: "POST", path: `${REST}/${endpoint}`, json, schema });
  }

  async #request<T extends z.ZodType>(spec: RequestSpec<T>): Promise<z.infer<T>> {
    const body = spec.json === undefined ? undefined : JSON.stringify(spec.json);
    return this.#send(spec.method, spec.path, body, async (response) => {
      const text = new TextDecoder().decode(await this.#body(response, spec.method, spec.path));
      let json: unknown = {};
      if (text.trim() !== "") {
        try {
          json = JSON.parse(text);
        } catch {
          throw new MlflowError(
            `MLflow at ${this.uri} answered ${this.#endpoint(spec.method, spec.path)} with a body that is not JSON: ${parseErrorBody(text).message}`,
            response.status,
          );
        }
      }
      const parsed = spec.schema.safeParse(json);
      if (!parsed.success) {
        throw new MlflowError(
          `MLflow at ${this.uri} gave an unexpected answer to ${this.#endpoint(spec.method, spec.path)}:\n${z.prettifyError(parsed.error)}`,
          response.status,
        );
      }
      return parsed.data;
    });
  }

  /** One request with timeout and retries; `read` turns a 2xx answer into the result. */
  async #send<R>(
    method: string,
    path: string,
    body: string | Uint8Array | undefined,
    read: (response: Response) => Promise<R>,
    timeoutMs = this.#timeoutMs,
  ): Promise<R> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (typeof body === "string") headers["content-type"] = "application/json";
    if (body instanceof Uint8Array) headers["content-type"] = "application/octet-stream";
    if (this.#authorization !== undefined) headers.authorization = this.#authorization;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const delay = this.#delays[attempt];
      try {
        const response = await fetch(`${this.uri}${path}`, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: "manual",
        });
        const status = response.status;
        if (status >= 300 && status < 400) {
          await response.body?.cancel();
          const location = response.headers.get("location");
          throw new MlflowError(redirectRefused(this.uri, status, this.#endpoint(method, path), location), status);
        }
        if (response.ok) return await read(response);
        const text = new TextDecoder().decode(await this.#body(response, method, path));
        if (isRetryableStatus(status) && delay !== undefined) {
          const pause = retryAfterMs(response.headers.get("retry-after")) ?? delay;
          await sleep(pause);
          waited += pause;
          continue;
        }
        const { errorCode, message } = parseErrorBody(text);
        const code = errorCode ?? response.statusText;
        throw new MlflowError(
          sentence(
            `MLflow at ${this.uri} answered ${status}${code === "" ? "" : ` ${code}`} to ${this.#endpoint(method, path)}${message === "" ? "" : `: ${message}`}`,
          ) + statusHint(status, this.#credentials),
          status,
          errorCode,
        );
      } catch (error) {
        if (error instanceof MlflowError) throw error;
        if (isTimeout(error)) {
          throw new MlflowError(
            `MLflow at ${this.uri} gave no answer to ${this.#endpoint(method, path)} within ${timeoutMs / 1000} s`,
          );
        }
        if (isConnectionRefused(error) && delay !== undefined) {
          await sleep(delay);
          waited += delay;
          continue;
        }
        throw new MlflowError(
          `cannot reach the MLflow server at ${this.uri}: ${networkReason(error)}` +
            (attempt > 0 ? ` (${attempt + 1} tries over ${(waited / 1000).toFixed(1)} s)` : "") +
            ". Is it running, and is the tracking URI right?",
        );
      }
    }
  }

  /** The answer's bytes, read as a stream and refused past the size cap, so memory stays bounded. */
  async #body(response: Response, method: string, path: string): Promise<Uint8Array> {
    const limit = this.#maxReplyBytes;
    const tooLarge = (declared?: number) =>
      new MlflowError(replyTooLarge(this.uri, this.#endpoint(method, path), limit, declared), response.status);
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > limit) {
      await response.body?.cancel();
      throw tooLarge(declared);
    }
    if (response.body === null) return new Uint8Array();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      // Throwing out of the loop cancels the stream: the rest is never downloaded.
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  }

  #endpoint(method: string, path: string): string {
    return `${method} ${path.replace(/\?.*$/, "").replace(/^\/api\/2\.0\//, "")}`;
  }
}

/** `mlflow-artifacts:/1/<run>/artifacts` (or with an authority) -> the proxied endpoint's path for a file. */
export function artifactPath(artifactUri: string, path: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
  if (match === null) {
    throw new MlflowError(
      `the run's artifact location ${artifactUri} is not served by the tracking server; start the server with --serve-artifacts (the default) so artifacts go through it`,
    );
  }
  const segments = [...(match[1] ?? "").split("/"), ...path.split("/")].filter((segment) => segment !== "");
  return `${ARTIFACTS}/${segments.map(encodeURIComponent).join("/")}`;
}

/** Ends a message with a full stop unless it already ends with punctuation. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function keyValues(record: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "TimeoutError" || (error.cause instanceof Error && error.cause.name === "TimeoutError"))
  );
}

function networkReason(error: unknown): string {
  const codes = errorCodes(error);
  if (codes.includes("ECONNREFUSED")) return "connection refused";
  if (codes.includes("ENOTFOUND") || codes.includes("EAI_AGAIN")) return "host not found";
  if (codes.includes("ECONNRESET")) return "connection reset";
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? (error instanceof Error ? error.message : String(error));
}
