/**
 * A throw-away copy of this repository for integration tests: the tracked and not-ignored files of the
 * working tree, committed into a fresh git repository under the system temp folder, with node_modules
 * linked from the real checkout (never copied, never committed). Commands run with their output sent to
 * files, not pipes, so a background process they leave behind (DVC's queue workers) cannot hold a pipe
 * open and hang the test runner. Removing a copy stops those workers and waits until they are gone first,
 * and DVC's per-repository site cache is kept inside the copy, so a test leaves nothing behind.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type FolderProcess, processesIn, removeFolder, waitUntilNoProcessIn } from "./folder-processes.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * A bound against a hung command, not a speed requirement: a queued four-experiment sweep took over 10 min
 * on two cores busy with other work (load ~16), so the bound is generous.
 */
const COMMAND_TIMEOUT_MS = 45 * 60_000;

/** Runs a command in `cwd`; output goes through files so leftover children cannot block the caller. */
export function runCommand(
  cwd: string,
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): CommandResult {
  const logs = mkdtempSync(join(tmpdir(), "poisonlab-cmd-"));
  try {
    const outPath = join(logs, "stdout");
    const errPath = join(logs, "stderr");
    const out = openSync(outPath, "w");
    const err = openSync(errPath, "w");
    try {
      const result = spawnSync(command, args, {
        cwd,
        stdio: ["ignore", out, err],
        env: { ...process.env, DVC_NO_ANALYTICS: "1", ...options.env },
        timeout: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
      });
      if (result.error) throw result.error;
      return { status: result.status, stdout: readFileSync(outPath, "utf8"), stderr: readFileSync(errPath, "utf8") };
    } finally {
      closeSync(out);
      closeSync(err);
    }
  } finally {
    removeFolder(logs);
  }
}

export class TempRepo {
  constructor(readonly dir: string) {}

  run(command: string, args: readonly string[], options: RunOptions = {}): CommandResult {
    // DVC keeps an index and hash cache per repository path under /var/tmp/dvc unless told otherwise:
    // inside the copy it goes away with it (.dvc/tmp is git-ignored).
    const env = { DVC_SITE_CACHE_DIR: this.path(".dvc", "tmp", "site-cache"), ...options.env };
    return runCommand(this.dir, command, args, { ...options, env });
  }

  /** Runs a command and throws with its output when it fails. */
  ok(command: string, args: readonly string[], options: RunOptions = {}): CommandResult {
    const result = this.run(command, args, options);
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  dvc(...args: string[]): string {
    return this.ok("dvc", args).stdout;
  }

  git(...args: string[]): string {
    return this.ok("git", args).stdout;
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  read(...parts: string[]): string {
    return readFileSync(this.path(...parts), "utf8");
  }

  write(relativePath: string, content: string): void {
    mkdirSync(dirname(this.path(relativePath)), { recursive: true });
    writeFileSync(this.path(relativePath), content);
  }

  exists(...parts: string[]): boolean {
    return existsSync(this.path(...parts));
  }

  /** Commits everything in the working tree, as a person would before queueing experiments. */
  commitAll(message: string): void {
    this.git("add", "-A");
    this.git(...GIT_IDENTITY, "commit", "-q", "-m", message);
  }

  /** Stops DVC's queue workers and waits until no process works in the copy (an idle worker after a sweep). */
  stopProcesses(): void {
    stopProcessesIn(this);
  }

  /** Stops DVC's queue workers and waits until no process works in the copy, then removes it. */
  remove(): void {
    this.stopProcesses();
    removeFolder(this.dir);
  }
}

/** How long queue workers get to exit after `dvc queue stop --kill`, and after SIGKILL. */
const WORKER_EXIT_TIMEOUT_MS = 60_000;
const KILLED_EXIT_TIMEOUT_MS = 10_000;

function describeProcesses(processes: readonly FolderProcess[]): string {
  return processes.map(({ pid, command }) => `${pid} ${command}`).join("; ");
}

/**
 * `dvc queue stop --kill` returns before its workers have exited, and a worker's watcher rewrites its pid
 * and info files when the worker exits: so wait (bounded) until every process in the copy is gone. One
 * still there after the wait is killed (and said so); one that survives even SIGKILL is an error.
 */
function stopProcessesIn(repo: TempRepo): void {
  if (processesIn(repo.dir).length === 0) return;
  repo.run("dvc", ["queue", "stop", "--kill"], { timeoutMs: WORKER_EXIT_TIMEOUT_MS });
  const lingering = waitUntilNoProcessIn(repo.dir, WORKER_EXIT_TIMEOUT_MS);
  if (lingering.length === 0) return;
  process.stderr.write(
    `temp repo: killing what still ran ${WORKER_EXIT_TIMEOUT_MS / 1000} s after dvc queue stop --kill: ${describeProcesses(lingering)}\n`,
  );
  for (const { pid } of lingering) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
  const survivors = waitUntilNoProcessIn(repo.dir, KILLED_EXIT_TIMEOUT_MS);
  if (survivors.length > 0) {
    throw new Error(`processes still running in ${repo.dir} after SIGKILL: ${describeProcesses(survivors)}`);
  }
}

const GIT_IDENTITY = ["-c", "user.name=poisonlab tests", "-c", "user.email=tests@poisonlab.invalid"];

/**
 * Copies the project's working tree (tracked and not-ignored files) into a new git repository and commits it.
 * With POISONLAB_TEST_FROM_HEAD=1 it clones the last commit instead, to test what is committed while the
 * working tree is in flux.
 */
export function createTempRepo(): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), "poisonlab-repo-"));
  return removedOnFailure(dir, () => {
    if (process.env.POISONLAB_TEST_FROM_HEAD === "1") {
      const cloned = runCommand(tmpdir(), "git", ["clone", "-q", PROJECT_ROOT, dir]);
      if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
    } else {
      copyWorkingTree(dir);
    }
    symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const repo = new TempRepo(dir);
    if (process.env.POISONLAB_TEST_FROM_HEAD !== "1") {
      repo.git("init", "-q", "-b", "main");
      repo.commitAll("poisonlab test copy");
    }
    repo.git("config", "user.name", "poisonlab tests");
    repo.git("config", "user.email", "tests@poisonlab.invalid");
    return repo;
  });
}

/** A copy that could not be set up is removed at once: the test's cleanup never sees it. */
function removedOnFailure(dir: string, setUp: () => TempRepo): TempRepo {
  try {
    return setUp();
  } catch (error) {
    removeFolder(dir);
    throw error;
  }
}

function copyWorkingTree(dir: string): void {
  const listed = runCommand(PROJECT_ROOT, "git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    const source = join(PROJECT_ROOT, file);
    if (!existsSync(source)) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(source, join(dir, file));
  }
}

/** Clones a temp repo (a real `git clone`), with node_modules linked the same way. */
export function cloneTempRepo(source: TempRepo): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), "poisonlab-clone-"));
  return removedOnFailure(dir, () => {
    const cloned = runCommand(tmpdir(), "git", [...GIT_IDENTITY, "clone", "-q", source.dir, dir]);
    if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
    symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    return new TempRepo(dir);
  });
}
