/**
 * What a person sees of the pipeline's surface under the real dvc CLI, in one throw-away git copy: a param
 * or code change re-runs only the stages that read it, `dvc exp run -S` changes one line of params.yaml,
 * `dvc metrics show` stays narrow, and without npm packages the stages still run and the build names the fix.
 */
import assert from "node:assert/strict";
import { rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stagesRun } from "../support/dvc-output.ts";
import { createTempRepo, PROJECT_ROOT, type TempRepo } from "../support/temp-repo.ts";

/** The stages `dvc status --json` reports as changed. */
function changedStages(repo: TempRepo): string[] {
  return Object.keys(JSON.parse(repo.dvc("status", "--json")) as Record<string, unknown>).sort();
}

/** Back to the committed state: params.yaml, dvc.lock and the committed metrics, and the data to match. */
function reset(repo: TempRepo): void {
  repo.git("checkout", "--", ".");
  repo.dvc("checkout");
}

describe("the pipeline's surface", () => {
  let repo: TempRepo;
  before(() => {
    repo = createTempRepo();
    repo.dvc("repro"); // the bundles, the single run's data and model, which live in DVC's cache
    assert.deepEqual(changedStages(repo), [], "the copy is up to date");
    // Built in another folder, the bundles (and so every output) have the hashes dvc.lock committed.
    assert.equal(repo.git("diff", "--stat", "dvc.lock"), "");
  });
  after(() => repo.remove());

  it("dvc exp run -S defense.method=knn runs sanitize, train, export, evaluate and certify, never the studies", () => {
    const ran = stagesRun(repo.dvc("exp", "run", "-S", "defense.method=knn"));
    // push depends on all of params.yaml (every key is an MLflow param); with mlflow off it only says so.
    // certify reads the sanitized rows too; DVC may run it before or after train, so the order is not checked.
    assert.deepEqual([...ran].sort(), ["certify", "evaluate", "export", "push", "sanitize", "train"]);
    assert.equal(JSON.parse(repo.read("metrics/sanitize.json")).defense_method, "knn");
    reset(repo);
  });

  it("dvc exp run -S poison.rate=0.5 changes exactly one line of params.yaml", () => {
    repo.dvc("exp", "run", "-S", "poison.rate=0.5");
    const diff = repo.git("diff", "--unified=0", "params.yaml").split("\n");
    assert.deepEqual(
      diff.filter((line) => /^[-+](?![-+])/.test(line)),
      [
        "-  rate: 0.1           # share of training rows attacked, in [0, 1]; round(rate x rows) rows exactly",
        "+  rate: 0.5           # share of training rows attacked, in [0, 1]; round(rate x rows) rows exactly",
      ],
      diff.join("\n"),
    );
  });

  it("the evaluate metrics name the attack and rate first, and dvc metrics show fits in 30 columns", () => {
    const metrics = JSON.parse(repo.read("metrics/evaluate.json"));
    assert.deepEqual(Object.keys(metrics).slice(0, 4), [
      "poison_method",
      "poison_rate",
      "accuracy",
      "accuracy_on_poisoned_test",
    ]);
    assert.deepEqual([metrics.poison_method, metrics.poison_rate], ["label_flip", 0.5]);
    const details = JSON.parse(repo.read("metrics/evaluate-details.json"));
    assert.equal(details.accuracy, metrics.accuracy);
    assert.deepEqual(Object.keys(details.per_class), ["setosa", "versicolor", "virginica"]);
    const header = repo.dvc("metrics", "show").split("\n")[0] ?? "";
    const columns = header.trim().split(/\s+/);
    assert.equal(columns[0], "Path");
    assert.ok(columns.length <= 30, `${columns.length} columns: ${header}`);
    for (const name of ["accuracy", "accuracy_on_poisoned_test", "clean_accuracy", "label_flip_50pct_accuracy"]) {
      assert.ok(columns.includes(name), `${name} in ${header}`);
    }
    reset(repo);
  });

  it("a comment-only edit rebuilds the bundles and re-runs nothing else: they come out byte-identical", () => {
    const section = "stages/core/report/degradation-section.ts";
    repo.write(section, `${repo.read(section)}// an edit\n`);
    assert.deepEqual(changedStages(repo), ["build"]);
    assert.deepEqual(stagesRun(repo.dvc("repro")), ["build"]);
    assert.deepEqual(changedStages(repo), []);
    reset(repo);
  });

  it("a code edit to a report section re-runs the report only; one to the README block, the readme only", () => {
    const section = "stages/core/report/degradation-section.ts";
    repo.write(section, `${repo.read(section)}console.error("an edit");\n`);
    assert.deepEqual(changedStages(repo), ["build"]);
    assert.deepEqual(stagesRun(repo.dvc("repro")), ["build", "report"]);
    const block = "stages/core/report/readme-block.ts";
    repo.write(block, `${repo.read(block)}console.error("an edit");\n`);
    assert.deepEqual(stagesRun(repo.dvc("repro")), ["build", "readme"]);
    reset(repo);
  });

  it("without node_modules the stages still run from their bundles, and the build fails with one line naming the fix", () => {
    rmSync(repo.path("node_modules"));
    try {
      const stage = repo.run("dvc", ["repro", "--force", "--single-item", "prepare"]);
      assert.equal(stage.status, 0, stage.stdout + stage.stderr);
      const build = repo.run("dvc", ["repro", "--force", "--single-item", "build"]);
      const output = build.stdout + build.stderr;
      assert.notEqual(build.status, 0);
      assert.match(output, /^poisonlab build: npm packages are missing \(esbuild\): run `npm ci`$/m);
      assert.doesNotMatch(output, /ERR_MODULE_NOT_FOUND|^\s+at /m);
    } finally {
      symlinkSync(join(PROJECT_ROOT, "node_modules"), repo.path("node_modules"), "dir");
    }
  });
});
