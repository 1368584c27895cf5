/**
 * npm run bench:run-cache: restore from a shared run-cache against recompute, median of BENCH_REPEATS (3) runs
 * each, side by side, in throw-away copies of the repository sharing a folder remote.
 *  - machine A runs the single run (prepare to evaluate) and the study stages (study, defenses, report) and
 *    pushes with `npm run push:run-cache`;
 *  - restore: a fresh clone with dvc.lock removed (so only the run-cache can say what the stages make) runs
 *    `dvc repro --pull evaluate`, then `dvc repro --pull report`; no stage may run;
 *  - recompute: a fresh clone runs `dvc repro --force evaluate`, then `dvc repro --force report`.
 * The study stages have no run-cache with this project's dvc.yaml (their plain outputs are `cache: false`, so
 * that the report is reviewable from git); the copy measured here caches those outputs instead, to show what
 * that change would buy. The single run is measured with the project's dvc.yaml as it is.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseDocument } from "yaml";
import { cloneTempRepo, createTempRepo, type TempRepo } from "../tests/support/temp-repo.ts";
import { median } from "./median.ts";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const STUDY_STAGES = ["study", "defenses", "report"];

function timed(repo: TempRepo, args: string[]): { seconds: number; stdout: string } {
  const start = performance.now();
  const stdout = repo.ok("dvc", args).stdout;
  return { seconds: (performance.now() - start) / 1000, stdout };
}

/** The study stages' plain outputs cached by DVC instead of committed to git, so that they get a run-cache. */
function cacheStudyOutputs(repo: TempRepo): string[] {
  const doc = parseDocument(repo.read("dvc.yaml"));
  const moved: string[] = [];
  for (const stage of STUDY_STAGES) {
    const outs = (doc.getIn(["stages", stage, "outs"]) as { toJSON(): unknown[] }).toJSON();
    const paths = outs.map((out) => (typeof out === "string" ? out : (Object.keys(out as object)[0] ?? "")));
    doc.setIn(["stages", stage, "outs"], paths);
    moved.push(...paths);
  }
  repo.write("dvc.yaml", doc.toString());
  repo.git("rm", "-r", "-q", "--cached", ...moved);
  return moved;
}

const remote = mkdtempSync(join(tmpdir(), "poisonlab-bench-remote-"));
const machineA = createTempRepo();
const clones: TempRepo[] = [];
try {
  cacheStudyOutputs(machineA);
  machineA.dvc("remote", "add", "-d", "team", remote);
  machineA.dvc("repro", "--force", "evaluate", ...STUDY_STAGES);
  machineA.commitAll("results in DVC's cache, the team's remote");
  console.log(machineA.ok("npm", ["run", "--silent", "push:run-cache"]).stdout.trim());

  const samples: Record<string, number[]> = {
    "single run: restore": [],
    "single run: recompute": [],
    "study stages: restore": [],
    "study stages: recompute": [],
  };
  for (let round = 0; round < REPEATS; round++) {
    const restoring = cloneTempRepo(machineA);
    clones.push(restoring);
    rmSync(restoring.path("dvc.lock"));
    for (const [name, target] of [
      ["single run", "evaluate"],
      ["study stages", "report"],
    ] as const) {
      const run = timed(restoring, ["repro", "--pull", target]);
      if (/^Running stage/m.test(run.stdout)) throw new Error(`restore ran a stage:\n${run.stdout}`);
      samples[`${name}: restore`]?.push(run.seconds);
    }
    const recomputing = cloneTempRepo(machineA);
    clones.push(recomputing);
    samples["single run: recompute"]?.push(timed(recomputing, ["repro", "--force", "evaluate"]).seconds);
    samples["study stages: recompute"]?.push(timed(recomputing, ["repro", "--force", "report"]).seconds);
    for (const clone of clones.splice(0)) clone.remove();
    console.log(`round ${round + 1} of ${REPEATS} done`);
  }

  console.log(`\nMedian wall time of ${REPEATS} runs each (seconds), fresh clones, a folder remote:\n`);
  console.log("| what | restore (dvc repro --pull, run-cache) | recompute (dvc repro --force) | recompute / restore |");
  console.log("| --- | --- | --- | --- |");
  for (const name of ["single run", "study stages"]) {
    const restore = median(samples[`${name}: restore`] ?? []);
    const recompute = median(samples[`${name}: recompute`] ?? []);
    console.log(`| ${name} | ${restore.toFixed(2)} | ${recompute.toFixed(2)} | ${(recompute / restore).toFixed(1)}x |`);
  }
  console.log(`\nsamples: ${JSON.stringify(samples)}`);
} finally {
  for (const clone of clones) clone.remove();
  machineA.remove();
  rmSync(remote, { recursive: true, force: true });
}
