/**
 * npm run repro's closing hint, checked as a person would use it: in a shell whose PATH has no DVC (it lives in
 * the project's .venv), the hint prints the exact export line, and after it every suggested command runs.
 */
import assert from "node:assert/strict";
import { existsSync, symlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SUGGESTED_COMMANDS } from "../../scripts/closing-hint.ts";
import { createTempRepo, PROJECT_ROOT, type TempRepo } from "../support/temp-repo.ts";

/** The test runner's PATH without any folder that holds a dvc: a shell where DVC was never installed. */
const PATH_WITHOUT_DVC = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((folder) => folder !== "" && !existsSync(join(folder, "dvc")))
  .join(delimiter);

describe("the closing hint of npm run repro", () => {
  let repo: TempRepo;
  let hint: string;

  before(() => {
    repo = createTempRepo();
    // The project's DVC, where scripts/setup.sh puts it in a real checkout.
    symlinkSync(join(PROJECT_ROOT, ".venv"), repo.path(".venv"), "dir");
    // A one-stage repro keeps the test short; the hint is the same after a full one.
    hint = repo.ok("sh", ["scripts/repro.sh", "prepare"], { env: { PATH: PATH_WITHOUT_DVC } }).stdout;
  });
  after(() => repo.remove());

  it("starts from a shell where dvc is not found", () => {
    assert.notEqual(repo.run("sh", ["-c", "command -v dvc"], { env: { PATH: PATH_WITHOUT_DVC } }).status, 0);
  });

  it("prints the export line that puts the project's DVC on PATH", () => {
    assert.ok(hint.includes(`  export PATH="${repo.path(".venv", "bin")}:$PATH"\n`), hint);
  });

  it("names every suggested command, and each runs as typed after the export line", () => {
    const exportLine = (hint.match(/^ {2}(export PATH=.*)$/m) ?? [])[1];
    assert.ok(exportLine, hint);
    for (const command of SUGGESTED_COMMANDS) {
      assert.ok(hint.includes(`\`${command}\``), `the hint names ${command}`);
      const ran = repo.run("sh", ["-c", `${exportLine} && ${command}`], {
        env: { PATH: PATH_WITHOUT_DVC },
        timeoutMs: 5 * 60_000,
      });
      assert.equal(ran.status, 0, `${command}\n${ran.stdout}\n${ran.stderr}`);
    }
  });

  it("runs the passthrough without any export, and prints no export line when dvc is already on PATH", () => {
    const passthrough = repo.run("npm", ["run", "--silent", "dvc", "--", "--version"], {
      env: { PATH: PATH_WITHOUT_DVC },
    });
    assert.equal(passthrough.status, 0, passthrough.stderr);
    assert.match(passthrough.stdout, /^3\./);
    const pathWithDvc = `${repo.path(".venv", "bin")}${delimiter}${PATH_WITHOUT_DVC}`;
    const withDvc = repo.ok("node", ["--import", "tsx", "scripts/show-results.ts"], {
      env: { PATH: pathWithDvc, POISONLAB_USER_PATH: pathWithDvc },
    }).stdout;
    assert.doesNotMatch(withDvc, /export PATH/);
    assert.match(withDvc, /`dvc metrics diff`/);
  });
});
