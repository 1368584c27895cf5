/**
 * The experiments in `dvc exp show --json`: one entry per baseline commit (plus "workspace"), each with
 * its experiments, each with the revs it produced. Pure: takes the parsed JSON.
 */
import { z } from "zod";
import { StageError } from "../core/errors.ts";

const out = z.object({ hash: z.string().nullable().optional(), use_cache: z.boolean().optional() });

const expRev = z.object({
  rev: z.string(),
  name: z.string().nullable().optional(),
  data: z
    .object({ outs: z.record(z.string(), out).nullable().optional() })
    .nullable()
    .optional(),
  error: z.unknown().optional(),
});

const baseline = z.object({
  rev: z.string(),
  name: z.string().nullable().optional(),
  experiments: z
    .array(
      z.object({
        name: z.string().nullable().optional(),
        executor: z.object({ state: z.string() }).nullable().optional(),
        revs: z.array(expRev),
      }),
    )
    .nullable()
    .optional(),
});

export const expShowJson = z.array(baseline);

export type ExperimentState = "done" | "queued" | "running" | "failed";

export interface DvcExperiment {
  name: string;
  rev: string; // the experiment's commit; its files are read from there
  baselineRev: string;
  state: ExperimentState;
  cachedOuts: Record<string, string>; // path -> md5 of each DVC-cached output
}

/** Every experiment of every baseline, in the order DVC lists them. */
export function listExperiments(json: unknown): DvcExperiment[] {
  const parsed = expShowJson.safeParse(json);
  if (!parsed.success)
    throw new StageError(`dvc exp show --json gave an unexpected answer:\n${z.prettifyError(parsed.error)}`);
  const experiments: DvcExperiment[] = [];
  for (const base of parsed.data) {
    if (base.rev === "workspace") continue;
    for (const experiment of base.experiments ?? []) {
      for (const rev of experiment.revs) {
        const outs = rev.data?.outs ?? {};
        experiments.push({
          name: rev.name ?? experiment.name ?? rev.rev.slice(0, 7),
          rev: rev.rev,
          baselineRev: base.rev,
          state: stateOf(experiment.executor?.state, rev.error),
          cachedOuts: Object.fromEntries(
            Object.entries(outs).flatMap(([path, entry]) =>
              entry.use_cache !== false && entry.hash ? [[path, entry.hash]] : [],
            ),
          ),
        });
      }
    }
  }
  return experiments;
}

/** DVC's executor states: queued, running, success, failed, ...; none for an experiment run in the workspace. */
function stateOf(executor: string | undefined, error: unknown): ExperimentState {
  if (executor === "queued") return "queued";
  if (executor === "running") return "running";
  if ((executor === undefined || executor === "success") && (error === null || error === undefined)) return "done";
  return "failed";
}
