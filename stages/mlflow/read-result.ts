/**
 * The shell side of a push: reads a result's files from the workspace or from an experiment's commit, and
 * asks git and DVC what they know. The only file in stages/mlflow that touches disk or runs commands.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseCsvText } from "../core/csv-text.ts";
import { StageError } from "../core/errors.ts";
import { requirementPins } from "../core/mlflow-model.ts";
import { parseModelFile } from "../core/model.ts";
import { PATHS } from "../shell/paths.ts";
import { assembleResult, type ResultLayout } from "./assemble-result.ts";
import type { DvcExperiment } from "./exp-show.ts";
import type { ModelSource } from "./push-run.ts";
import type { PipelineResult } from "./result.ts";

export const PUSH_STAGE = "push";

const LAYOUT: ResultLayout = { dvcYaml: "dvc.yaml", pushStage: PUSH_STAGE, params: PATHS.params };

/** The result in the working folder, as the push stage sees it. */
export function readWorkspaceResult(): PipelineResult {
  return assembleResult(readWorkspaceFile, LAYOUT);
}

/** The result an experiment committed: git-tracked files from its commit, DVC-cached ones from the cache. */
export function readExperimentResult(experiment: DvcExperiment, cacheDir: string): PipelineResult {
  const read = (path: string): Uint8Array => {
    const blob = committedFile(experiment, path);
    if (blob !== undefined) return blob;
    const md5 = experiment.cachedOuts[path];
    if (md5 === undefined)
      throw new StageError(
        `${path} is neither in commit ${experiment.rev} of experiment ${experiment.name} nor one of its DVC outputs`,
      );
    const cached = join(cacheDir, "files", "md5", md5.slice(0, 2), md5.slice(2));
    try {
      return readFileSync(cached);
    } catch {
      throw new StageError(
        `${path} of experiment ${experiment.name} (md5 ${md5}) is not in the DVC cache ${cacheDir}; fetch it with: dvc exp pull <remote> ${experiment.name} (or dvc pull)`,
      );
    }
  };
  return assembleResult(read, LAYOUT, (path) => atExperiment(path, experiment));
}

/** The dvc.lock an experiment committed, parsed: what each of its stages read and wrote. */
export function readExperimentLock(experiment: DvcExperiment): unknown {
  const where = atExperiment("dvc.lock", experiment);
  const blob = committedFile(experiment, "dvc.lock");
  if (blob === undefined) throw new StageError(`${where}: not in the experiment's commit`);
  try {
    return parse(blob.toString("utf8"));
  } catch (error) {
    throw new StageError(`${where}: not valid YAML: ${(error as Error).message}`);
  }
}

/** A file of an experiment, as messages name it. */
export function atExperiment(path: string, experiment: DvcExperiment): string {
  return `${path} at ${experiment.name} (${experiment.rev.slice(0, 7)})`;
}

/** A file as git holds it in the experiment's commit, or undefined when git does not hold it there. */
function committedFile(experiment: DvcExperiment, path: string): Buffer | undefined {
  const blob = run("git", ["cat-file", "blob", `${experiment.rev}:${path}`]);
  return blob.status === 0 ? blob.stdout : undefined;
}

/** Where the model's package pins come from; the Python it was checked with is MLflow's and ONNX's 3.11. */
const REQUIREMENTS = "requirements-mlflow.txt";
const PYTHON_VERSION = "3.11";
const EXAMPLE_ROWS = 5;
export const MODEL_NAME = "model";

/** What the push logs as the run's MLflow Model: the exported ONNX model, its schema, a few test rows. */
export function readWorkspaceModel(): ModelSource {
  const text = (path: string) => new TextDecoder().decode(readWorkspaceFile(path));
  const model = parseModelFile(JSON.parse(text(PATHS.model)), PATHS.model);
  const width = model.features.length;
  const exampleRows = parseCsvText(text(PATHS.test), PATHS.test)
    .slice(1, 1 + EXAMPLE_ROWS)
    .map((record) => record.fields.slice(0, width));
  return {
    name: MODEL_NAME,
    onnx: readWorkspaceFile(PATHS.onnxModel),
    schema: { features: model.features, classes: model.classes },
    exampleRows,
    requirements: { ...requirementPins(text(REQUIREMENTS), REQUIREMENTS), python: PYTHON_VERSION },
  };
}

/** The commit checked out here, or undefined outside a git repository. */
export function gitHead(): string | undefined {
  const head = run("git", ["rev-parse", "--verify", "-q", "HEAD"]);
  return head.status === 0 ? head.stdout.toString("utf8").trim() : undefined;
}

/** `dvc exp show --json` over all commits, parsed. */
export function dvcExpShowJson(): unknown {
  const text = checked("dvc", ["exp", "show", "--json", "--all-commits"]);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StageError(`dvc exp show --json did not print JSON: ${(error as Error).message}`);
  }
}

/** Where DVC keeps its cache (`dvc cache dir`). */
export function dvcCacheDir(): string {
  return checked("dvc", ["cache", "dir"]).trim();
}

function readWorkspaceFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StageError(
      `${path}: cannot read it: ${code === "ENOENT" ? "the file does not exist" : (error as Error).message}`,
    );
  }
}

function checked(command: string, args: string[]): string {
  const result = run(command, args);
  if (result.status !== 0) {
    throw new StageError(
      `${command} ${args.join(" ")} failed (exit ${result.status ?? "signal"}): ${result.stderr.toString("utf8").trim()}`,
    );
  }
  return result.stdout.toString("utf8");
}

function run(command: string, args: string[]): { status: number | null; stdout: Buffer; stderr: Buffer } {
  const result = spawnSync(command, args, {
    maxBuffer: 1 << 30,
    env: { ...process.env, DVC_NO_ANALYTICS: "1" },
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new StageError(
      missing ? `${command} is not installed or not on PATH` : `${command}: ${result.error.message}`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
