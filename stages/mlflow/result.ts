/**
 * What one pipeline result looks like to MLflow: flattened params, numeric metrics, result files, and the
 * content-derived key that makes a push idempotent. Pure: no fs, no env, no clock.
 */
import { createHash } from "node:crypto";
import { StageError } from "../core/errors.ts";
import { poisoningName } from "../core/report/numbers.ts";

/** params.yaml sections that configure the push itself rather than the result; never logged. */
export const PUSH_ONLY_SECTIONS = ["mlflow"] as const;

/** Metrics of this file keep their own names (accuracy, f1_macro, ...); other files' get their stem first. */
export const PRIMARY_METRICS_FILE = "metrics/evaluate.json";

/** The tag that holds the content key; `runs/search` finds a pushed result by it. */
export const CONTENT_KEY_TAG = "poisonlab.content_key";

export interface ResultFile {
  path: string; // repo-relative, also the artifact path in MLflow
  bytes: Uint8Array;
}

export interface PipelineResult {
  params: Record<string, string>;
  metrics: Record<string, number>;
  files: ResultFile[];
}

/** Builds a result from the parsed params.yaml, the parsed metrics files and every file to upload. */
export function buildResult(
  paramsDocument: unknown,
  metricsFiles: ReadonlyArray<{ path: string; json: unknown }>,
  files: ResultFile[],
): PipelineResult {
  return { params: flattenParams(paramsDocument), metrics: collectMetrics(metricsFiles), files };
}

/**
 * params.yaml as MLflow params: nested keys joined with dots (`poison.rate`), values as YAML would print
 * them (`0.1`, `true`, `null`), lists as JSON. The push's own section is left out.
 */
export function flattenParams(document: unknown): Record<string, string> {
  if (!isRecord(document)) throw new StageError("params.yaml: expected a mapping of sections at the top level");
  const out: Record<string, string> = {};
  const visit = (value: unknown, key: string): void => {
    if (isRecord(value) && Object.keys(value).length > 0) {
      for (const [child, item] of Object.entries(value)) visit(item, `${key}.${child}`);
    } else {
      out[key] = paramText(value);
    }
  };
  for (const [section, value] of Object.entries(document)) {
    if ((PUSH_ONLY_SECTIONS as readonly string[]).includes(section)) continue;
    visit(value, section);
  }
  return sortKeys(out);
}

function paramText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/**
 * Every finite number in the metrics files, keyed by its dotted path (`per_class.setosa.f1`). Files other
 * than the primary one are prefixed with their stem (`sanitize.precision`), so two files never collide.
 */
export function collectMetrics(files: ReadonlyArray<{ path: string; json: unknown }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { path, json } of files) {
    const prefix = path === PRIMARY_METRICS_FILE ? "" : stem(path);
    const visit = (value: unknown, key: string): void => {
      if (typeof value === "number" && Number.isFinite(value)) {
        if (key in out) throw new StageError(`${path}: metric "${key}" is also defined by another metrics file`);
        out[key] = value;
      } else if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) visit(item, join(key, String(index)));
      } else if (isRecord(value)) {
        for (const [child, item] of Object.entries(value)) visit(item, join(key, child));
      }
    };
    visit(json, prefix);
  }
  return sortKeys(out);
}

/**
 * A readable run name from the attack and the defense: `label_flip-10pct`, `feature_noise-5pct-knn`.
 * Names need not be unique in MLflow; the content key is what identifies a result.
 */
export function runName(params: Readonly<Record<string, string>>): string {
  const method = params["poison.method"];
  const rate = Number(params["poison.rate"]);
  if (method === undefined || !Number.isFinite(rate)) return "poisonlab";
  const defense = defenseName(params["defense.method"]);
  return `${poisoningName(method, rate)}${defense === "" ? "" : `-${defense}`}`;
}

function defenseName(value: string | undefined): string {
  if (value === undefined || value === "none") return "";
  if (value.startsWith("[")) {
    try {
      const list: unknown = JSON.parse(value);
      if (Array.isArray(list)) return list.map(String).join("+");
    } catch {
      // not a JSON list after all: use the text as it is
    }
  }
  return value;
}

/**
 * SHA-256 over the params, the metrics and the bytes of every result file except params.yaml (whose
 * result-relevant content is the params, and whose push section may differ between two pushes of the same
 * result). Same result -> same key, whoever pushes it: the stage or the sweep command.
 */
export function contentKey(result: PipelineResult, paramsPath = "params.yaml"): string {
  const files = result.files
    .filter((file) => file.path !== paramsPath)
    .map((file) => [file.path, sha256(file.bytes)])
    .sort(([a], [b]) => compare(a as string, b as string));
  const canonical = JSON.stringify({
    version: 1,
    params: Object.entries(sortKeys(result.params)),
    metrics: Object.entries(sortKeys(result.metrics)),
    files,
  });
  return sha256(new TextEncoder().encode(canonical));
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function stem(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

function join(prefix: string, key: string): string {
  return prefix === "" ? key : `${prefix}.${key}`;
}

function sortKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface Provenance {
  gitCommit?: string | undefined; // the commit whose code (and, for a sweep, whose files) gave the result
  expName?: string | undefined; // DVC experiment name
  baselineRev?: string | undefined; // the commit the experiment started from
  expRev?: string | undefined; // the experiment's own commit (known to the sweep command only)
}

/** MLflow tags for where a result came from; unknown values are left out (MLflow drops empty tags). */
export function provenanceTags(provenance: Provenance): Record<string, string> {
  const tags: Record<string, string | undefined> = {
    "mlflow.source.git.commit": provenance.gitCommit,
    "dvc.exp_name": provenance.expName,
    "dvc.baseline_rev": provenance.baselineRev,
    "dvc.exp_rev": provenance.expRev,
  };
  return Object.fromEntries(
    Object.entries(tags).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
}
