/**
 * No debris after faults: SIGINT and SIGTERM at seeded random moments while stages write, and stages
 * writing onto a full filesystem, leave no partial file anywhere, outputs either the old complete bytes or
 * absent (and then `dvc status` says so), and the next `dvc repro` reproduces the same bytes.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { constants, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createRng, randomInt } from "../../stages/core/rng.ts";
import { PARTIAL_PREFIX } from "../../stages/shell/partial-files.ts";
import { createTempRepo, PROJECT_ROOT, runCommand, type TempRepo } from "../support/temp-repo.ts";

/** Each writing stage and the files it writes; synthetic rows make every write last long enough to be hit. */
const STAGES = {
  prepare: ["data/prepared/train.csv", "data/prepared/test.csv"],
  poison: ["data/poisoned/train.csv", "data/poisoned/manifest.json"],
  sanitize: ["data/sanitized/train.csv", "data/sanitized/flags.json", "metrics/sanitize.json"],
  train: ["models/model.json"],
} as const;
type Stage = keyof typeof STAGES;
const STAGE_NAMES = Object.keys(STAGES) as Stage[];

const PARAMS_EDITS: Array<[RegExp, string]> = [
  [/^ {2}rows: .*$/m, "  rows: 60000 # synthetic rows fitted to IRIS"],
  [/engine: ml-random-forest /, "engine: poisonlab-forest "],
  [/n_estimators: 100 /, "n_estimators: 10 "],
];

const SIGNAL_COUNT = 20;
// Every 5th signal goes to a whole `dvc repro` (which deletes the outputs first): one per stage.
const DVC_EVERY = 5;
const DEADLINE_MS = 120_000; // bound on any one run

/** Every file in the repo (outside git's and DVC's own folders) that is a partial file or old-style debris. */
function debris(root: string): string[] {
  const found: string[] = [];
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const relative = path.slice(root.length + 1);
      if (["node_modules", ".git", ".dvc/cache", ".dvc/tmp"].includes(relative)) continue;
      if (entry.name.startsWith(PARTIAL_PREFIX) || entry.name.includes(".tmp-")) found.push(relative);
      if (entry.isDirectory()) visit(path);
    }
  };
  visit(root);
  return found;
}

function partialExists(repo: TempRepo, stage: Stage): boolean {
  return STAGES[stage].some((output) => {
    const folder = repo.path(dirname(output));
    return existsSync(folder) && readdirSync(folder).some((name) => name.startsWith(PARTIAL_PREFIX));
  });
}

/** Starts a command in its own process group, output to a file, so a signal can reach the group. */
function start(repo: TempRepo, command: string, args: string[], logPath: string): ChildProcess {
  const log = openSync(logPath, "w");
  try {
    return spawn(command, args, {
      cwd: repo.dir,
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, DVC_NO_ANALYTICS: "1", POISONLAB_THREADS: "1" },
    });
  } finally {
    closeSync(log);
  }
}

describe("no debris after signals and a full disk", () => {
  let repo: TempRepo;
  let logs: string;
  const baseline = new Map<string, Buffer>();

  before(() => {
    repo = createTempRepo();
    logs = mkdtempSync(join(tmpdir(), "poisonlab-signal-logs-"));
    let params = repo.read("params.yaml");
    for (const [pattern, replacement] of PARAMS_EDITS) params = params.replace(pattern, replacement);
    repo.write("params.yaml", params);
    repo.dvc("repro", "train");
    for (const output of Object.values(STAGES).flat()) baseline.set(output, readFileSync(repo.path(output)));
  });
  after(() => {
    repo.remove();
    rmSync(logs, { recursive: true, force: true });
  });

  it(`${SIGNAL_COUNT} SIGINT/SIGTERM at random moments of writing stages leave no debris and no torn output`, async () => {
    const rng = createRng("no-debris/signals");
    let hitWhileWriting = 0;
    for (let trial = 0; trial < SIGNAL_COUNT; trial++) {
      const stage = STAGE_NAMES[trial % STAGE_NAMES.length] as Stage;
      const signal: NodeJS.Signals = trial % 2 === 0 ? "SIGTERM" : "SIGINT";
      const viaDvc = trial % DVC_EVERY === DVC_EVERY - 1;
      const label = `signal ${trial}: ${signal} to ${viaDvc ? "dvc repro" : "node"} ${stage}`;
      const logPath = join(logs, `${trial}.log`);
      const child = viaDvc
        ? start(repo, "dvc", ["repro", "--single-item", stage], logPath)
        : start(repo, "node", ["--import", "tsx", `stages/${stage}.ts`], logPath);
      const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
      let running = true;
      void exited.then(() => {
        running = false;
      });
      // Wait for the stage to start writing, then a seeded random moment into the write.
      const started = Date.now();
      while (running && !partialExists(repo, stage) && Date.now() - started < DEADLINE_MS) await sleep(2);
      await sleep(randomInt(rng, 120));
      if (partialExists(repo, stage)) hitWhileWriting++;
      if (running) process.kill(-(child.pid as number), signal);
      const [code, killedBy] = await exited;
      const log = readFileSync(logPath, "utf8");
      // A signal that lands while Node tears down after the stage finished kills it by the signal itself
      // (exit null): nothing is left to clean then, which the debris and torn-output checks below verify.
      const exitedAsExpected = code === 0 || code === 128 + constants.signals[signal] || killedBy === signal;
      if (!viaDvc) assert.ok(exitedAsExpected, `${label}: exit ${code} (${killedBy})\n${log}`);

      assert.deepEqual(debris(repo.dir), [], `${label}: leftover partial files\n${log}`);
      const absent = STAGES[stage].filter((output) => !existsSync(repo.path(output)));
      for (const output of STAGES[stage]) {
        if (absent.includes(output)) continue;
        assert.ok(readFileSync(repo.path(output)).equals(baseline.get(output) as Buffer), `${label}: ${output} torn`);
      }
      if (absent.length > 0) {
        assert.ok(viaDvc, `${label}: only DVC deletes outputs, yet ${absent.join(", ")} vanished`);
        const status = repo.dvc("status", stage);
        assert.match(status, new RegExp(`${stage}:[\\s\\S]*changed outs`), `${label}: dvc status hides it`);
        // Put the old outputs back, as `dvc checkout` would, so the next trials have their inputs.
        for (const output of STAGES[stage]) writeFileSync(repo.path(output), baseline.get(output) as Buffer);
      }
    }
    assert.ok(hitWhileWriting >= SIGNAL_COUNT / 2, `only ${hitWhileWriting} of ${SIGNAL_COUNT} signals hit a write`);
    console.log(`no-debris: ${SIGNAL_COUNT} signals, ${hitWhileWriting} while a partial file existed, 0 left debris`);

    assert.match(repo.dvc("status", "train"), /up to date/, "dvc status is clean again");
    repo.dvc("repro", "--force", "train");
    for (const [output, bytes] of baseline) {
      assert.ok(readFileSync(repo.path(output)).equals(bytes), `dvc repro reproduced ${output} byte for byte`);
    }
  });

  const notRoot = process.getuid?.() !== 0;
  it("a full filesystem gives one message naming the file and 'no space left', and leaves nothing behind", {
    skip: notRoot ? "needs root to mount a small tmpfs (CI runs as root)" : false,
  }, () => {
    // Room for the inputs and 128 KiB more: far less than the megabytes each stage writes.
    const cases: Array<{ stage: Stage; inputs: string[] }> = [
      { stage: "prepare", inputs: ["data/raw/iris.csv"] },
      { stage: "train", inputs: ["data/sanitized/train.csv", "data/prepared/schema.json"] },
    ];
    for (const { stage, inputs } of cases) {
      const size = inputs.reduce((total, input) => total + statSync(repo.path(input)).size, 128 * 1024);
      const mount = mkdtempSync(join(tmpdir(), "poisonlab-full-disk-"));
      const mounted = runCommand(tmpdir(), "mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", mount]);
      assert.equal(mounted.status, 0, `mount failed: ${mounted.stderr}`);
      try {
        // A stage's working folder on the tmpfs: its inputs copied in, code and packages linked from the repo.
        for (const input of inputs) {
          mkdirSync(join(mount, dirname(input)), { recursive: true });
          copyFileSync(repo.path(input), join(mount, input));
        }
        copyFileSync(repo.path("params.yaml"), join(mount, "params.yaml"));
        symlinkSync(join(PROJECT_ROOT, "node_modules"), join(mount, "node_modules"));
        symlinkSync(repo.path("stages"), join(mount, "stages"));
        const result = runCommand(mount, "node", ["--import", "tsx", `stages/${stage}.ts`], {
          env: { POISONLAB_THREADS: "1" },
        });
        assert.equal(result.status, 1, `${stage}: ${result.stdout}${result.stderr}`);
        // Whichever output's write hit the full disk first is the one named.
        const named = STAGES[stage].map((output) => output.replaceAll(".", "\\.")).join("|");
        const oneMessage = `^poisonlab ${stage}: (${named}): cannot write it: no space left on device \\(ENOSPC\\)\n$`;
        // Progress lines (train's "10/10 trees", printed when a busy machine makes it slow) are not messages.
        const messages = result.stderr.replace(new RegExp(`^${stage}: \\d+/\\d+ .*\n`, "gm"), "");
        assert.match(messages, new RegExp(oneMessage), `${stage}: one message`);
        assert.deepEqual(debris(mount), [], `${stage}: leftover partial files`);
        for (const output of STAGES[stage]) assert.ok(!existsSync(join(mount, output)), `${stage}: no ${output}`);
      } finally {
        const unmounted = runCommand(tmpdir(), "umount", [mount]);
        assert.equal(unmounted.status, 0, `umount failed: ${unmounted.stderr}`);
        rmSync(mount, { recursive: true, force: true });
      }
    }
  });
});
