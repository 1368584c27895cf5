/**
 * Which files a push sends: the push stage's own deps in dvc.yaml that another stage writes. So the
 * stage's definition is the one list (DVC also runs the push after those stages and re-runs it when they
 * change), and code deps (stages/, package-lock.json) are never sent. Pure: takes the parsed dvc.yaml.
 */
import { StageError } from "../core/errors.ts";

export interface PushedFiles {
  metrics: string[]; // declared as metrics by their stage: parsed into MLflow metrics, and uploaded
  others: string[]; // plots, the model, any other output: uploaded
}

export function pushedFiles(dvcYaml: unknown, stageName: string, source = "dvc.yaml"): PushedFiles {
  const stages = isRecord(dvcYaml) && isRecord(dvcYaml.stages) ? dvcYaml.stages : undefined;
  const stage = stages?.[stageName];
  if (stages === undefined || !isRecord(stage)) throw new StageError(`${source}: there is no stage "${stageName}"`);
  const metrics = new Set<string>(entryPaths(isRecord(dvcYaml) ? dvcYaml.metrics : undefined));
  const outputs = new Set<string>();
  for (const [name, other] of Object.entries(stages)) {
    if (name === stageName || !isRecord(other)) continue;
    for (const path of entryPaths(other.metrics)) metrics.add(path);
    for (const path of [...entryPaths(other.plots), ...entryPaths(other.outs)]) outputs.add(path);
  }
  const deps = [...new Set(entryPaths(stage.deps))];
  return {
    metrics: deps.filter((path) => metrics.has(path)),
    others: deps.filter((path) => outputs.has(path) && !metrics.has(path)),
  };
}

/** dvc.yaml list entries are either `path` or `{path: {options}}`. */
function entryPaths(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    if (typeof entry === "string") return [entry];
    if (isRecord(entry)) return Object.keys(entry);
    return [];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
