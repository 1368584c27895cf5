/**
 * A server process for tests (an S3 or GCS emulator): started as its own process group with its output in a
 * log file in its temp folder (never the test runner's pipes), ready when its probe answers within a bound,
 * and stopped by its pid (the group), also when the test process exits early.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface BackgroundServer {
  pid: number;
  dir: string;
  log(): string;
  /** SIGTERM to the process group, SIGKILL after 10 s; removes the folder. */
  stop(): Promise<void>;
}

export interface BackgroundServerOptions {
  name: string;
  command: string;
  args: readonly string[];
  env?: Record<string, string | undefined>;
  /** True once the server answers; called until it does, for at most readyTimeoutMs. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

const running = new Set<number>();

process.on("exit", () => {
  for (const pid of running) killGroup(pid, "SIGKILL");
});

export async function startBackgroundServer(options: BackgroundServerOptions): Promise<BackgroundServer> {
  const dir = mkdtempSync(join(tmpdir(), `poisonlab-${options.name}-`));
  const logPath = join(dir, "server.log");
  const logFd = openSync(logPath, "a");
  const child = spawn(options.command, options.args, {
    cwd: dir,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.command}`);
  running.add(pid);
  let exited: number | null | undefined;
  let spawnError: Error | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  child.on("error", (error) => {
    spawnError = error;
    exited = null;
  });
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, "utf8") : "");
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      killGroup(pid, "SIGTERM");
      for (let waited = 0; exited === undefined && waited < 10_000; waited += 100) await sleep(100);
    }
    killGroup(pid, "SIGKILL"); // anything left in the group
    running.delete(pid);
    rmSync(dir, { recursive: true, force: true });
  };
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const started = Date.now();
  while (!(await options.ready())) {
    if (exited !== undefined) {
      const output = log().slice(-3000);
      await stop();
      throw new Error(`${options.name} exited (${spawnError?.message ?? exited}) before it was ready:\n${output}`);
    }
    if (Date.now() - started > timeoutMs) {
      const output = log().slice(-3000);
      await stop();
      throw new Error(`${options.name} was not ready within ${timeoutMs / 1000} s:\n${output}`);
    }
    await sleep(250);
  }
  return { pid, dir, log, stop };
}

/** True when a GET of the url gets any HTTP answer with a status below 500. */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
