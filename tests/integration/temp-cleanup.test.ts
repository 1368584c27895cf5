/**
 * Tests leave nothing behind: a temp repository whose DVC queue worker is still starting is removed only
 * once the worker is gone (so it cannot write into the folder again), and scripts/with-private-tmp.sh,
 * which `npm test` runs the tests under, fails a run that leaves anything in its temp folder.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { describe, it } from "node:test";
import { type FolderProcess, isAlive, processesIn, removeFolder } from "../support/folder-processes.ts";
import { createTempRepo, PROJECT_ROOT } from "../support/temp-repo.ts";

/** Pids of processes whose working folder is `folder` or inside it, also after it was deleted. */
function processesWorkingUnder(folder: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`).replace(/ \(deleted\)$/, "");
      if (cwd === folder || cwd.startsWith(folder + sep)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe("TempRepo.remove with a DVC queue worker running", () => {
  it("stops the worker, waits until it is gone, and removes the folder for good", () => {
    const repo = createTempRepo();
    let workers: FolderProcess[] = [];
    try {
      // `dvc queue start` returns at once; its worker idles ~10 s before it would exit by itself.
      repo.dvc("queue", "start");
      workers = processesIn(repo.dir);
    } finally {
      repo.remove();
    }
    assert.ok(workers.length > 0, "the queue worker (or the process that spawns it) ran in the repo");
    assert.equal(existsSync(repo.dir), false, "the folder is gone");
    assert.deepEqual(
      workers.filter(({ pid }) => isAlive(pid)),
      [],
      "every process that ran in the repo has exited",
    );
    assert.deepEqual(processesWorkingUnder(repo.dir), [], "no process is left working in the removed folder");
  });
});

describe("scripts/with-private-tmp.sh", () => {
  function runUnder(parent: string, script: string) {
    return spawnSync("sh", ["scripts/with-private-tmp.sh", "node", "-e", script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: parent },
      encoding: "utf8",
    });
  }

  it("passes the command's exit status through and removes its private folder", () => {
    const parent = mkdtempSync(join(tmpdir(), "poisonlab-private-tmp-"));
    try {
      const clean = runUnder(parent, "fs.rmSync(fs.mkdtempSync(os.tmpdir() + '/x-'), { recursive: true })");
      assert.equal(clean.status, 0, clean.stderr);
      const failing = runUnder(parent, "process.exit(3)");
      assert.equal(failing.status, 3, failing.stderr);
      assert.deepEqual(readdirSync(parent), []);
    } finally {
      removeFolder(parent);
    }
  });

  it("fails a run that leaves anything in the temp folder, listing what was left", () => {
    const parent = mkdtempSync(join(tmpdir(), "poisonlab-private-tmp-"));
    try {
      const leaky = runUnder(parent, "fs.writeFileSync(fs.mkdtempSync(os.tmpdir() + '/leak-') + '/left.txt', 'x')");
      assert.equal(leaky.status, 1);
      assert.match(leaky.stderr, /the tests left 2 paths in their temp folder .*poisonlab-tests-/);
      assert.match(leaky.stderr, /\/leak-\w+\/left\.txt/);
      assert.deepEqual(readdirSync(parent), [], "the private folder is removed after a failed check too");
    } finally {
      removeFolder(parent);
    }
  });
});
