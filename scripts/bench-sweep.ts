/**
 * npm run bench:sweep (through scripts/bench-sweep.sh, which finds the baseline and installs what is missing):
 * the README's four-level sweep (README_SWEEP, scripts/sweep-commands.ts) against the original project's job
 * (BENCH_BASELINE: seed_job.py, which poisons IRIS at four levels and trains and logs one scikit-learn forest
 * per level to MLflow), side by side in one run. Writes docs/measured-sweep.md and prints the same.
 *
 * The sweep runs in a throw-away copy of the repository (tests/support/temp-repo.ts) after one `dvc repro`
 * there, its results committed if they changed anything, so the sweep starts from a reproduced baseline. Each
 * sweep starts from that same state: no experiments, an empty queue, no queue worker, params and outputs as
 * committed, and DVC's cache (its run-cache too) as `dvc repro` left it, so no round reuses an earlier round's
 * results. It is timed as wall clock from the first command's start until the last one has returned and the
 * queue holds no queued or running experiment; then `dvc exp show --json` must list one experiment per swept
 * poison.rate (the level equal to the committed one may be the baseline itself), each with its poison_rate.
 * The job runs in a fresh temporary folder with .venv's Python, timed the same way; the seconds it prints
 * itself are recorded beside. One untimed run of each comes first (warm caches), then BENCH_REPEATS rounds
 * (default 5), the order reversed every other round so machine load hits both alike.
 *
 *   BENCH_REVS=rev1,rev2     time the sweep at each of these git revisions (a copy each) instead of the
 *                            working tree; the commands are still this checkout's, not each revision's.
 *   BENCH_SWEEP_COMMANDS     a JSON array of argv arrays timed instead of README_SWEEP (a variant), or a
 *                            JSON object of them by name, each timed side by side (a lever, say).
 *
 * Beside each sweep it times its floor: the same commands with poison.rate set to the committed rate, so no
 * stage runs and what is left is DVC's own cost of the experiments. No change to the stages can take a sweep
 * below its floor.
 */

import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { parse } from "yaml";
import { experimentsFromShowJson } from "../tests/support/dvc-output.ts";
import { removeFolder, sleepSync, waitUntilNoProcessIn } from "../tests/support/folder-processes.ts";
import { createTempRepo, PROJECT_ROOT, runCommand, type TempRepo } from "../tests/support/temp-repo.ts";
import { workingTreeRevision, writeMeasuredDoc } from "./measured-doc.ts";
import { median } from "./median.ts";
import {
  parseSweepCommands,
  README_SWEEP,
  type SweepVariant,
  shellLine,
  shellWord,
  sweptRates,
  withRate,
} from "./sweep-commands.ts";
import { NO_MLFLOW } from "./timed-push.ts";

/** Bad settings stop the benchmark with one line naming them, before anything runs. */
function refuse(message: string): never {
  console.error(`bench:sweep: ${message}`);
  process.exit(1);
}

function settings() {
  const repeats = Number(process.env.BENCH_REPEATS ?? 5);
  if (!Number.isInteger(repeats) || repeats < 1) {
    refuse(`BENCH_REPEATS must be a whole number from 1, not "${process.env.BENCH_REPEATS}"`);
  }
  const baseline = process.env.BENCH_BASELINE ?? "";
  if (baseline === "") refuse("BENCH_BASELINE is not set: run this through `npm run bench:sweep`");
  try {
    const text = process.env.BENCH_SWEEP_COMMANDS;
    const variants: SweepVariant[] =
      text === undefined
        ? [{ name: "sweep", commands: README_SWEEP.map((argv) => [...argv]) }]
        : parseSweepCommands(text);
    for (const { name, commands } of variants) {
      if (sweptRates(commands).length === 0) {
        refuse(`the sweep "${name}" sets no poison.rate (-S poison.rate=...): nothing to check it by`);
      }
    }
    const revs = (process.env.BENCH_REVS ?? "")
      .split(",")
      .map((rev) => rev.trim())
      .filter(Boolean);
    return { repeats, baseline, variants, revs };
  } catch (error) {
    return refuse((error as Error).message);
  }
}

const { repeats: REPEATS, baseline: BASELINE, variants: VARIANTS, revs: REVS } = settings();
const DOC = "docs/measured-sweep.md";
const PYTHON = join(PROJECT_ROOT, ".venv", "bin", "python");
/** How often `dvc queue status` is asked while experiments still run after the last command returned. */
const QUEUE_POLL_MS = 2000;

/** A throw-away copy at one revision, with its cache as `dvc repro` left it. */
interface Copy {
  /** What was measured: a revision and its commit. */
  revision: string;
  /** BENCH_REVS' name for it, or undefined for the working tree. */
  rev: string | undefined;
  repo: TempRepo;
  cacheSnapshot: string;
  committedRate: number;
}

/** One column: a sweep's commands, timed in one copy. */
interface Target extends Copy {
  /** Its column: the variant's name ("sweep", "floor of sweep"), with the revision's with BENCH_REVS. */
  name: string;
  commands: string[][];
}

function git(cwd: string, ...args: string[]): string {
  const result = runCommand(cwd, "git", args);
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}:\n${result.stderr}`);
  return result.stdout.trim();
}

function dvcOk(repo: TempRepo, ...args: string[]): string {
  return repo.ok("dvc", args, { env: NO_MLFLOW }).stdout;
}

/** A copy of the working tree (or of `rev`), reproduced once, the result committed, its cache kept aside. */
function prepareCopy(rev: string | undefined): Copy {
  const repo = createTempRepo();
  try {
    let revision = workingTreeRevision();
    if (rev !== undefined) {
      const commit = git(PROJECT_ROOT, "rev-parse", "--verify", `${rev}^{commit}`);
      repo.git("fetch", "-q", PROJECT_ROOT, commit);
      repo.git("reset", "-q", "--hard", "FETCH_HEAD");
      revision = `${rev} at ${commit.slice(0, 7)}`;
    }
    console.log(`${revision}: dvc repro in a throw-away copy`);
    dvcOk(repo, "repro");
    if (repo.git("status", "--porcelain").trim() !== "") repo.commitAll("bench:sweep: dvc repro's results");
    const cacheSnapshot = repo.path(".dvc", "tmp", "bench-sweep-cache");
    cpSync(repo.path(".dvc", "cache"), cacheSnapshot, { recursive: true });
    const params = parse(repo.read("params.yaml")) as { poison?: { rate?: unknown } };
    const committedRate = Number(params.poison?.rate);
    return { revision, rev, repo, cacheSnapshot, committedRate };
  } catch (error) {
    repo.remove();
    throw error;
  }
}

/** Back to the reproduced baseline: no worker, no experiment, nothing queued, committed files and cache. */
function resetTarget({ repo, cacheSnapshot }: Target): void {
  repo.stopProcesses();
  dvcOk(repo, "queue", "remove", "--all");
  dvcOk(repo, "exp", "remove", "--all-commits");
  rmSync(repo.path(".dvc", "cache"), { recursive: true, force: true });
  cpSync(cacheSnapshot, repo.path(".dvc", "cache"), { recursive: true });
  repo.git("reset", "-q", "--hard");
  dvcOk(repo, "checkout", "--force");
  const left = experimentsFromShowJson(JSON.parse(dvcOk(repo, "exp", "show", "--json")));
  const changed = repo.git("status", "--porcelain").trim();
  const status = dvcOk(repo, "status");
  if (left.length > 0 || changed !== "" || !/up to date/.test(status)) {
    throw new Error(
      `${repo.dir} is not back at its baseline: experiments ${left.map((row) => row.name).join(", ") || "none"}; git status: ${changed || "clean"}; dvc status: ${status}`,
    );
  }
}

/** Queue tasks not finished yet; a failed one stops the benchmark. */
function unfinishedTasks(repo: TempRepo): string[] {
  const status = dvcOk(repo, "queue", "status");
  const lines = status.split("\n");
  if (lines.some((line) => /\sFailed\s*$/.test(line))) throw new Error(`a queued experiment failed:\n${status}`);
  return lines.filter((line) => /\s(Queued|Running)\s*$/.test(line));
}

/**
 * The experiments' rates must be the swept ones, as often as the commands set them: a sweep's each once, a
 * floor's the committed one each time. The first run at the committed rate may be the baseline itself.
 */
function checkExperiments(target: Target): void {
  const rows = experimentsFromShowJson(JSON.parse(dvcOk(target.repo, "exp", "show", "--json")));
  const rates = rows.map((row) => row.metrics.poison_rate);
  const expected = target.commands.flatMap((argv) => sweptRates([argv])).sort((a, b) => a - b);
  const found = rates.filter((rate): rate is number => typeof rate === "number").sort((a, b) => a - b);
  const committedAt = expected.indexOf(target.committedRate);
  const withoutCommitted = expected.filter((_, index) => index !== committedAt);
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((value, index) => value === b[index]);
  if (found.length !== rates.length || !(same(found, expected) || same(found, withoutCommitted))) {
    throw new Error(
      `${target.revision}: the sweep left experiments with poison_rate ${JSON.stringify(rates)}, expected ${JSON.stringify(expected)} (the committed ${target.committedRate} may be the baseline)`,
    );
  }
}

interface SweepSample {
  /** From the first command's start until every experiment has finished. */
  wall: number;
  /** Each command's own wall time, in the target's order: where the time goes. */
  commands: number[];
}

/** One sweep from the baseline, timed. */
function timeSweep(target: Target): SweepSample {
  resetTarget(target);
  const outputs: string[] = [];
  const commands: number[] = [];
  const start = performance.now();
  for (const argv of target.commands) {
    const [command, ...args] = argv as [string, ...string[]];
    const commandStart = performance.now();
    const result = target.repo.run(command, args, { env: NO_MLFLOW });
    commands.push((performance.now() - commandStart) / 1000);
    outputs.push(`$ ${shellLine(argv)}\n${result.stdout}${result.stderr}`);
    if (result.status !== 0) throw new Error(`${target.revision}: exited ${result.status}:\n${outputs.join("\n")}`);
  }
  let end = performance.now();
  while (unfinishedTasks(target.repo).length > 0) {
    sleepSync(QUEUE_POLL_MS);
    end = performance.now();
  }
  const wall = (end - start) / 1000;
  checkExperiments(target);
  target.repo.stopProcesses();
  return { wall, commands };
}

interface JobSample {
  wall: number;
  own: number;
}

/** The original project's job in a fresh folder: wall seconds, and the seconds it printed on its last line. */
function timeJob(): JobSample {
  const workdir = mkdtempSync(join(tmpdir(), "poisonlab-seed-job-"));
  try {
    const start = performance.now();
    const result = runCommand(workdir, PYTHON, [BASELINE, workdir], { env: NO_MLFLOW });
    const wall = (performance.now() - start) / 1000;
    const own = Number(result.stdout.trim().split("\n").at(-1));
    if (result.status !== 0 || !Number.isFinite(own)) {
      throw new Error(`${basename(BASELINE)} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    }
    const lingering = waitUntilNoProcessIn(workdir, 10_000);
    if (lingering.length > 0) throw new Error(`${basename(BASELINE)} left processes: ${JSON.stringify(lingering)}`);
    return { wall, own };
  } finally {
    removeFolder(workdir);
  }
}

function sha256Prefix(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 12);
}

/** The command line as typed: the BENCH_ settings that shape the run (not the baseline's path), then npm. */
function commandLine(): string {
  const settings = ["BENCH_REPEATS", "BENCH_REVS", "BENCH_SWEEP_COMMANDS"]
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${shellWord(process.env[name] as string)}`);
  return [...settings, "npm run bench:sweep"].join(" ");
}

const loads = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(" ");
const seconds = (values: readonly number[]) => median(values).toFixed(1);

/** Each variant and its floor, in each copy. */
function targetsOf(copy: Copy): Target[] {
  const suffix = copy.rev === undefined ? "" : ` ${copy.rev}`;
  return VARIANTS.flatMap(({ name, commands }) => [
    { ...copy, name: `${name}${suffix}`, commands },
    { ...copy, name: `floor of ${name}${suffix}`, commands: withRate(commands, copy.committedRate) },
  ]);
}

const copies: Copy[] = [];
try {
  for (const rev of REVS.length > 0 ? REVS : [undefined]) copies.push(prepareCopy(rev));
  const targets = copies.flatMap(targetsOf);
  const job = basename(BASELINE);
  console.log(`warm-up (not counted): ${job}, then ${targets.map((target) => target.name).join(", ")}`);
  timeJob();
  for (const target of targets) timeSweep(target);

  const before = loadavg();
  const jobSamples: JobSample[] = [];
  const sweepSamples = targets.map((): SweepSample[] => []);
  const rounds: string[] = [];
  for (let round = 0; round < REPEATS; round++) {
    const startLoad = loadavg()[0] ?? 0;
    const steps: Array<[string, () => void]> = [
      [job, () => jobSamples.push(timeJob())],
      ...targets.map((target, index): [string, () => void] => [
        target.name,
        () => sweepSamples[index]?.push(timeSweep(target)),
      ]),
    ];
    if (round % 2 === 1) steps.reverse();
    for (const [, step] of steps) step();
    const endLoad = loadavg()[0] ?? 0;
    const jobSample = jobSamples.at(-1) as JobSample;
    const cells = [
      String(round + 1),
      steps.map(([name]) => name).join(", "),
      jobSample.wall.toFixed(1),
      jobSample.own.toFixed(1),
      ...sweepSamples.map((samples) => (samples.at(-1) as SweepSample).wall.toFixed(1)),
      `${startLoad.toFixed(2)} / ${endLoad.toFixed(2)}`,
    ];
    rounds.push(`| ${cells.join(" | ")} |`);
    console.log(`round ${round + 1} of ${REPEATS}: ${rounds.at(-1)}`);
  }
  const after = loadavg();

  const jobWall = median(jobSamples.map((sample) => sample.wall));
  const lines = [
    "# The README's sweep against the original project's job",
    "",
    `Written by \`${commandLine()}\` (scripts/bench-sweep.ts) on ${new Date().toISOString().slice(0, 10)},`,
    `measuring ${copies.map((copy) => copy.revision).join(", ")}; ${cpus().length} cores.`,
    "",
    `Baseline: the original project's job, \`${job}\` (sha256 ${sha256Prefix(BASELINE)}...), run by .venv's Python`,
    "in a fresh folder: it poisons IRIS at 0, 5, 10 and 50 % and trains and logs one scikit-learn forest per level",
    "to MLflow (a local sqlite store). Sweeps, each in a throw-away copy of the repository after one `dvc repro`",
    "there, and beside each its floor: the same commands with poison.rate set to the committed rate, so that no",
    "stage runs and only DVC's own cost of the experiments is left.",
    "",
    ...targets.flatMap((target) => [`${target.name}:`, "", "```sh", ...target.commands.map(shellLine), "```", ""]),
    "Each round starts from the reproduced baseline (no experiments, an empty queue, DVC's cache and run-cache as",
    "`dvc repro` left them) and is timed until the last command has returned and no experiment is queued or",
    "running; `dvc exp show` then lists one experiment per command's poison_rate. Wall clock seconds; one untimed",
    `run of each first, then ${REPEATS} round${REPEATS === 1 ? "" : "s"}, the order reversed every other round.`,
    "",
    `Load average before ${loads(before)}, after ${loads(after)}.`,
    "",
    `| round | order | ${job} wall s | ${job} own s | ${targets.map((target) => `${target.name} wall s`).join(" | ")} | 1-min load start / end |`,
    `| --- | --- | --- | --- | ${targets.map(() => "---").join(" | ")} | --- |`,
    ...rounds,
    `| median |  | ${seconds(jobSamples.map((sample) => sample.wall))} | ${seconds(jobSamples.map((sample) => sample.own))} | ${sweepSamples.map((samples) => seconds(samples.map((sample) => sample.wall))).join(" | ")} |  |`,
    "",
    ...targets.map(
      (target, index) =>
        `${target.name} / ${job}, medians of wall time: ${(median((sweepSamples[index] ?? []).map((sample) => sample.wall)) / jobWall).toFixed(2)} (the target: at most 0.33).`,
    ),
    "",
    "Median wall time of each command:",
    "",
    "| column | command | s |",
    "| --- | --- | --- |",
    ...targets.flatMap((target, index) =>
      target.commands.map(
        (argv, command) =>
          `| ${target.name} | \`${shellLine(argv)}\` | ${seconds((sweepSamples[index] ?? []).map((sample) => sample.commands[command] ?? Number.NaN))} |`,
      ),
    ),
  ];
  console.log(`\n${lines.join("\n")}\n`);
  writeMeasuredDoc(DOC, lines);
} finally {
  // remove() stops the queue workers and waits until no process works in the copy.
  for (const copy of copies) copy.repo.remove();
}
