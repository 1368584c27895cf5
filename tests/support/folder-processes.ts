/**
 * Processes still at work inside a folder. DVC's queue workers outlive the command that started them: a
 * `dvc queue start` or `dvc exp run --run-all` returns while its worker (and the small process that
 * watches it and rewrites `.dvc/tmp/exps/celery/<worker>.{pid,json}` when it exits) still runs in the
 * repository. A folder may be removed only once they are gone, or they write into it again.
 *
 * On Linux every process whose working folder is inside the folder is found through /proc, including a
 * worker whose pid file is not written yet; elsewhere the pids named in DVC's pid files are used.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { join, sep } from "node:path";

const CELERY_PID_FOLDER = join(".dvc", "tmp", "exps", "celery");
const HAS_PROC = existsSync("/proc/self/cwd");

export interface FolderProcess {
  pid: number;
  command: string;
}

/** Live processes working inside `folder` (or named in its DVC pid files), never this process. */
export function processesIn(folder: string): FolderProcess[] {
  if (!existsSync(folder)) return [];
  const root = realpathSync(folder);
  const pids = HAS_PROC ? pidsWorkingIn(root) : pidsFromDvcPidFiles(root).filter(isAlive);
  return pids.filter((pid) => pid !== process.pid).map((pid) => ({ pid, command: commandOf(pid) }));
}

function pidsWorkingIn(root: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`); // fails for a process that is gone or a zombie
    } catch {
      continue;
    }
    if (cwd === root || cwd.startsWith(root + sep)) found.push(Number(entry));
  }
  return found;
}

/** The pids DVC wrote for its queue workers (`<worker>.pid` holds the pid as text). */
export function pidsFromDvcPidFiles(folder: string): number[] {
  const pidFolder = join(folder, CELERY_PID_FOLDER);
  if (!existsSync(pidFolder)) return [];
  return readdirSync(pidFolder)
    .filter((name) => name.endsWith(".pid"))
    .map((name) => Number(readFileSync(join(pidFolder, name), "utf8").trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** True while the process exists and is not a zombie (a zombie holds no files and writes nothing). */
export function isAlive(pid: number): boolean {
  if (HAS_PROC) {
    try {
      // /proc/<pid>/stat is "pid (command) state ..."; the command may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 200);
  } catch {
    return "?";
  }
}

/** Blocks this thread for `ms` (cleanup runs in synchronous test hooks; nothing else needs the loop then). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Polls until no process works inside `folder`; returns those still there after `timeoutMs`. */
export function waitUntilNoProcessIn(folder: string, timeoutMs: number): FolderProcess[] {
  const deadline = Date.now() + timeoutMs;
  let left = processesIn(folder);
  while (left.length > 0 && Date.now() < deadline) {
    sleepSync(200);
    left = processesIn(folder);
  }
  return left;
}

/** Removes a folder, retrying (Node's linear backoff, ~9 s in all) while something still empties it. */
export function removeFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true, maxRetries: 8, retryDelay: 250 });
  if (existsSync(folder)) throw new Error(`${folder} still exists after it was removed`);
}
