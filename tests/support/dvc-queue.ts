/** Stopping DVC's experiment queue workers before a test removes the repository they run in. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TempRepo } from "./temp-repo.ts";

const WORKER_EXIT_TIMEOUT_MS = 30_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `dvc queue stop --kill`, then waits (bounded) until the workers named in .dvc/tmp/exps/celery/*.pid are
 * gone: the command returns before they exit, and a worker still running would write into a removed folder.
 */
export function stopQueueWorkers(repo: TempRepo): void {
  repo.run("dvc", ["queue", "stop", "--kill"]);
  const folder = repo.path(".dvc", "tmp", "exps", "celery");
  if (!existsSync(folder)) return;
  const pids = readdirSync(folder)
    .filter((name) => name.endsWith(".pid"))
    .map((name) => Number.parseInt(readFileSync(join(folder, name), "utf8"), 10))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
  const deadline = Date.now() + WORKER_EXIT_TIMEOUT_MS;
  for (const pid of pids) {
    while (alive(pid) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    if (alive(pid))
      throw new Error(`DVC queue worker ${pid} still runs ${WORKER_EXIT_TIMEOUT_MS / 1000} s after queue stop --kill`);
  }
}
