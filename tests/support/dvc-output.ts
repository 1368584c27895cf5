/** Reading what the dvc CLI prints, for integration tests. */

/** Stage names from `dvc repro` output lines "Running stage 'name':". */
export function stagesRun(reproOutput: string): string[] {
  return [...reproOutput.matchAll(/^Running stage '([^']+)'/gm)].map((match) => match[1] as string);
}

export interface ExperimentRow {
  name: string;
  rev: string;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

/**
 * Flattens `dvc exp show --json` (DVC 3: a list of baselines, each with `experiments: [{ revs: [...] }]`) into one
 * row per experiment, with params.yaml and metrics/evaluate.json data.
 */
export function experimentsFromShowJson(json: unknown): ExperimentRow[] {
  const rows: ExperimentRow[] = [];
  for (const baseline of json as Array<{ experiments?: Array<{ revs?: unknown[] }> | null }>) {
    for (const experiment of baseline.experiments ?? []) {
      for (const rev of (experiment.revs ?? []) as Array<Record<string, any>>) {
        rows.push({
          name: String(rev.name ?? ""),
          rev: String(rev.rev ?? ""),
          params: rev.data?.params?.["params.yaml"]?.data ?? {},
          metrics: rev.data?.metrics?.["metrics/evaluate.json"]?.data ?? {},
        });
      }
    }
  }
  return rows;
}
