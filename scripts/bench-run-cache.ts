/**
 * npm run bench:run-cache: restore from a shared run-cache against recompute, median of BENCH_REPEATS (3) runs
 * each, side by side, in throw-away copies of the repository (its dvc.yaml as it is) sharing a folder remote.
 *  - machine A runs the whole pipeline and pushes with `npm run push:run-cache`;
 *  - restore: a fresh clone with dvc.lock removed (so only the run-cache can say what the stages make) runs
 *    `dvc repro --pull evaluate` (the single run), then `dvc repro --pull` (the rest: the study stages, then
 *    readme and push, which DVC never run-caches and so run); no run-cached stage may run;
 *  - recompute: a fresh clone runs `dvc repro --force evaluate`, then `dvc repro --force readme` and
 *    `dvc repro --force --single-item push` (the same rest).
 * The whole pipeline's row is the sum of the two.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { stagesRun } from "../tests/support/dvc-output.ts";
import { cloneTempRepo, createTempRepo, type TempRepo } from "../tests/support/temp-repo.ts";
import { median } from "./median.ts";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
// Stages DVC never run-caches: readme's README.md is `persist: true`, push has no outputs.
const NEVER_RUN_CACHED = new Set(["readme", "push"]);

function timed(repo: TempRepo, ...commands: string[][]): { seconds: number; stdout: string } {
  const start = performance.now();
  const stdout = commands.map((args) => repo.ok("dvc", args).stdout).join("\n");
  return { seconds: (performance.now() - start) / 1000, stdout };
}

const remote = mkdtempSync(join(tmpdir(), "poisonlab-bench-remote-"));
const machineA = createTempRepo();
const clones: TempRepo[] = [];
try {
  machineA.dvc("remote", "add", "-d", "team", remote);
  machineA.dvc("repro", "--force");
  machineA.commitAll("results, and the team's remote");
  console.log(machineA.ok("npm", ["run", "--silent", "push:run-cache"]).stdout.trim());

  const parts = ["single run", "study stages, readme, push"] as const;
  const samples: Record<string, number[]> = {};
  for (const part of parts) for (const way of ["restore", "recompute"]) samples[`${part}: ${way}`] = [];
  for (let round = 0; round < REPEATS; round++) {
    const restoring = cloneTempRepo(machineA);
    clones.push(restoring);
    rmSync(restoring.path("dvc.lock"));
    const restores = [timed(restoring, ["repro", "--pull", "evaluate"]), timed(restoring, ["repro", "--pull"])];
    for (const [index, run] of restores.entries()) {
      const ran = stagesRun(run.stdout).filter((stage) => !NEVER_RUN_CACHED.has(stage));
      if (ran.length > 0) throw new Error(`restore ran ${ran.join(", ")}:\n${run.stdout}`);
      samples[`${parts[index]}: restore`]?.push(run.seconds);
    }
    const recomputing = cloneTempRepo(machineA);
    clones.push(recomputing);
    samples["single run: recompute"]?.push(timed(recomputing, ["repro", "--force", "evaluate"]).seconds);
    samples["study stages, readme, push: recompute"]?.push(
      timed(recomputing, ["repro", "--force", "readme"], ["repro", "--force", "--single-item", "push"]).seconds,
    );
    for (const clone of clones.splice(0)) clone.remove();
    console.log(`round ${round + 1} of ${REPEATS} done`);
  }

  const whole = (way: string): number[] =>
    (samples[`single run: ${way}`] ?? []).map(
      (seconds, round) => seconds + (samples[`${parts[1]}: ${way}`]?.[round] ?? 0),
    );
  const rows: Array<[string, number[], number[]]> = [
    ...parts.map((part): [string, number[], number[]] => [
      part,
      samples[`${part}: restore`] ?? [],
      samples[`${part}: recompute`] ?? [],
    ]),
    ["whole pipeline (dvc repro)", whole("restore"), whole("recompute")],
  ];
  console.log(`\nMedian wall time of ${REPEATS} runs each (seconds), fresh clones, a folder remote:\n`);
  console.log("| what | restore (dvc repro --pull, run-cache) | recompute (dvc repro --force) | recompute / restore |");
  console.log("| --- | --- | --- | --- |");
  for (const [name, restore, recompute] of rows) {
    const ratio = median(recompute) / median(restore);
    console.log(`| ${name} | ${median(restore).toFixed(2)} | ${median(recompute).toFixed(2)} | ${ratio.toFixed(1)}x |`);
  }
  console.log(`\nsamples: ${JSON.stringify(samples)}`);
} finally {
  for (const clone of clones) clone.remove();
  machineA.remove();
  rmSync(remote, { recursive: true, force: true });
}
