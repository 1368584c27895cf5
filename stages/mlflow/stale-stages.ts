/**
 * Which stages of a dvc.lock did not run on what the others wrote: a stage whose dep has another hash than
 * the stage that outputs that path recorded. An experiment run with stage names (`dvc exp run -S ... evaluate
 * certify`) leaves the stages it did not name as they were, so its commit holds their old outputs; pushing
 * such an experiment would send another run's files. Pure: takes the parsed dvc.lock.
 */
import { z } from "zod";
import { StageError } from "../core/errors.ts";

const entry = z.object({ path: z.string(), md5: z.string().optional() });
const lockSchema = z.object({
  stages: z.record(
    z.string(),
    z.object({ deps: z.array(entry).optional(), outs: z.array(entry).optional() }).passthrough(),
  ),
});

export interface StaleDep {
  stage: string;
  path: string;
  writer: string; // the stage that outputs `path`
}

/**
 * Every dep, of every stage but `ignored`, whose hash differs from the one its writer's out records. Only deps
 * that name a stage's out exactly are compared: a file inside an output folder is not.
 */
export function staleDeps(lock: unknown, source: string, ignored: readonly string[] = []): StaleDep[] {
  const parsed = lockSchema.safeParse(lock);
  if (!parsed.success) throw new StageError(`${source}: not a dvc.lock:\n${z.prettifyError(parsed.error)}`);
  const written = new Map<string, { writer: string; md5: string | undefined }>();
  for (const [writer, stage] of Object.entries(parsed.data.stages)) {
    for (const out of stage.outs ?? []) written.set(out.path, { writer, md5: out.md5 });
  }
  const stale: StaleDep[] = [];
  for (const [name, stage] of Object.entries(parsed.data.stages)) {
    if (ignored.includes(name)) continue;
    for (const dep of stage.deps ?? []) {
      const out = written.get(dep.path);
      if (out !== undefined && out.md5 !== dep.md5) stale.push({ stage: name, path: dep.path, writer: out.writer });
    }
  }
  return stale;
}

/** One line for a push that skips an experiment: which stages did not run, and the two ways to run them. */
export function describeStale(stale: readonly StaleDep[], experiment: string): string {
  const stages = [...new Set(stale.map((dep) => dep.stage))];
  const first = stale[0];
  const example = first === undefined ? "" : ` (${first.stage} read another ${first.path} than ${first.writer} wrote)`;
  return `stage${stages.length === 1 ? "" : "s"} ${stages.join(", ")} did not run in it${example}; run the experiment without stage names, or: dvc exp apply ${experiment} && dvc repro`;
}
