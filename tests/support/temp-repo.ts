/**
 * A throw-away copy of this repository for integration tests: the tracked and not-ignored files of the
 * working tree, committed into a fresh git repository under the system temp folder, with node_modules
 * linked from the real checkout (never copied, never committed). Commands run with their output sent to
 * files, not pipes, so a background process they leave behind (DVC's queue workers) cannot hold a pipe
 * open and hang the test runner.
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
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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

/** Runs a command in `cwd`; output goes through files so leftover children cannot block the caller. */
export function runCommand(
  cwd: string,
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): CommandResult {
  const logs = mkdtempSync(join(tmpdir(), "poisonlab-cmd-"));
  const outPath = join(logs, "stdout");
  const errPath = join(logs, "stderr");
  const out = openSync(outPath, "w");
  const err = openSync(errPath, "w");
  try {
    const result = spawnSync(command, args, {
      cwd,
      stdio: ["ignore", out, err],
      env: { ...process.env, DVC_NO_ANALYTICS: "1", ...options.env },
      timeout: options.timeoutMs ?? 10 * 60_000,
    });
    if (result.error) throw result.error;
    return { status: result.status, stdout: readFileSync(outPath, "utf8"), stderr: readFileSync(errPath, "utf8") };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(logs, { recursive: true, force: true });
  }
}

export class TempRepo {
  constructor(readonly dir: string) {}

  run(command: string, args: readonly string[], options: RunOptions = {}): CommandResult {
    return runCommand(this.dir, command, args, options);
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

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
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
  const cloned = runCommand(tmpdir(), "git", [...GIT_IDENTITY, "clone", "-q", source.dir, dir]);
  if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return new TempRepo(dir);
}
