/**
 * The push stage with a local sqlite store, under the real dvc CLI in a throw-away copy of this repository:
 * the stage starts its own `mlflow server` (the real one from .venv), pushes, and stops it. What landed is
 * read back with MLflow's own Python client on the sqlite URI and from the artifacts folder on disk; a
 * second push adds no run; a failed start, a failed push and a SIGTERM leave nothing running.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { parse, stringify } from "yaml";
import { processesIn, waitUntilNoProcessIn } from "../support/folder-processes.ts";
import { findMlflow } from "../support/mlflow-server.ts";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

// The caller's own MLflow settings must not leak into the tests ("" counts as unset).
const NO_MLFLOW = {
  MLFLOW_TRACKING_URI: "",
  MLFLOW_TRACKING_TOKEN: "",
  MLFLOW_TRACKING_USERNAME: "",
  MLFLOW_TRACKING_PASSWORD: "",
};

interface StoredRun {
  run_id: string;
  experiment_id: string;
  status: string;
  name: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
}

/** The runs of experiment `poisonlab` in a sqlite store, as MLflow's Python client reads them (no server). */
function storedRuns(repo: TempRepo, uri: string): StoredRun[] {
  const python = join(dirname(findMlflow()), "python");
  const script = [
    "import json, sys, mlflow",
    "client = mlflow.MlflowClient(tracking_uri=sys.argv[1])",
    "exp = client.get_experiment_by_name('poisonlab')",
    "runs = [] if exp is None else client.search_runs([exp.experiment_id])",
    "print(json.dumps([{'run_id': r.info.run_id, 'experiment_id': r.info.experiment_id, 'status': r.info.status,",
    "  'name': r.info.run_name, 'params': r.data.params, 'metrics': r.data.metrics} for r in runs]))",
  ].join("\n");
  const result = spawnSync(python, ["-c", script, uri], { cwd: repo.dir, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "[]") as StoredRun[];
}

function setMlflow(repo: TempRepo, values: Record<string, unknown>): void {
  const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
  params.mlflow = { ...params.mlflow, ...values };
  repo.write("params.yaml", stringify(params));
}

/** A killed process takes a moment to go: wait (bounded), then no process of the push may be left. */
function assertNothingRunning(repo: TempRepo): void {
  assert.deepEqual(
    waitUntilNoProcessIn(repo.dir, 5_000),
    [],
    "no process of the push (its private server included) is left",
  );
}

describe("the push stage with a local sqlite store", () => {
  let repo: TempRepo;

  before(() => {
    repo = createTempRepo();
    repo.ok("dvc", ["repro", "push"], { env: NO_MLFLOW });
  });
  after(() => repo?.remove());

  it("pushes through a private server named in params, and the run is in the store afterwards", () => {
    setMlflow(repo, { enabled: true, tracking_uri: "sqlite:///mlflow.db" });
    const output = repo.ok("dvc", ["repro", "push"], { env: NO_MLFLOW }).stdout;
    assert.match(
      output,
      /push: pushed as run ([0-9a-f]{32}) \(label_flip-10pct\) of experiment "poisonlab" at sqlite:\/\/\/mlflow\.db\n/,
    );
    assert.match(
      output,
      /push: browse it with: \.venv\/bin\/mlflow ui --backend-store-uri sqlite:\/\/\/mlflow\.db --artifacts-destination mlartifacts/,
    );
    assertNothingRunning(repo);

    const [run, ...rest] = storedRuns(repo, "sqlite:///mlflow.db");
    assert.equal(rest.length, 0);
    assert.ok(run);
    assert.equal(run.status, "FINISHED");
    assert.equal(run.name, "label_flip-10pct");
    assert.equal(run.params["poison.rate"], "0.1");
    assert.equal(run.params["mlflow.tracking_uri"], undefined, "the mlflow section is not a param");
    const evaluate = JSON.parse(repo.read("metrics/evaluate.json")) as { accuracy: number };
    assert.equal(run.metrics.accuracy, evaluate.accuracy);
    // Artifacts persist beside the store, where `mlflow ui --artifacts-destination mlartifacts` finds them.
    const artifacts = ["mlartifacts", run.experiment_id, run.run_id, "artifacts"];
    assert.equal(repo.read(...artifacts, "metrics", "evaluate.json"), repo.read("metrics/evaluate.json"));
    assert.equal(repo.read(...artifacts, "params.yaml"), repo.read("params.yaml"));
    // Neither git nor DVC tracks the store.
    assert.equal(
      repo.git("status", "--porcelain", "--ignored", "mlflow.db", "mlartifacts").trim().split("\n").length,
      2,
    );
    assert.match(repo.git("status", "--porcelain", "--ignored", "mlflow.db"), /^!! mlflow\.db/);
  });

  it("adds no run when the same result is pushed again", () => {
    const output = repo.ok("dvc", ["repro", "--force", "--single-item", "push"], { env: NO_MLFLOW }).stdout;
    assert.match(
      output,
      /push: already in MLflow as run [0-9a-f]{32} \(label_flip-10pct\).* at sqlite:\/\/\/mlflow\.db; nothing sent/,
    );
    assert.equal(storedRuns(repo, "sqlite:///mlflow.db").length, 1);
    assertNothingRunning(repo);
  });

  it("takes the store from MLFLOW_TRACKING_URI when params name none, with its artifacts beside it", () => {
    setMlflow(repo, { tracking_uri: null });
    const uri = `sqlite:///${repo.path("stores", "runs.db")}`;
    const output = repo.ok("dvc", ["repro", "--force", "--single-item", "push"], {
      env: { ...NO_MLFLOW, MLFLOW_TRACKING_URI: uri },
    }).stdout;
    assert.match(output, /push: pushed as run [0-9a-f]{32} \(label_flip-10pct\)/);
    assertNothingRunning(repo);
    const [run, ...rest] = storedRuns(repo, uri);
    assert.equal(rest.length, 0);
    assert.equal(run?.status, "FINISHED");
    assert.ok(
      repo.exists("stores", "mlartifacts", run.experiment_id, run.run_id, "artifacts", "metrics", "evaluate.json"),
    );
  });

  it("says why when the server cannot start (a store that is not a database), and leaves nothing running", () => {
    repo.write("broken.db", "not a database\n");
    const failed = repo.run("dvc", ["repro", "--force", "--single-item", "push"], {
      env: { ...NO_MLFLOW, MLFLOW_TRACKING_URI: "sqlite:///broken.db" },
    });
    assert.notEqual(failed.status, 0);
    assert.match(
      failed.stderr,
      /poisonlab push: the private mlflow server for sqlite:\/\/\/broken\.db exited with code 1 before it was ready; the end of its stderr:\n(?: {2}.*\n)*? {2}.*file is not a database/,
    );
    assertNothingRunning(repo);
  });

  it("stops the server when the push fails after it started", () => {
    const uri = "sqlite:///deleted.db";
    repo.ok("dvc", ["repro", "--force", "--single-item", "push"], { env: { ...NO_MLFLOW, MLFLOW_TRACKING_URI: uri } });
    const python = join(dirname(findMlflow()), "python");
    const deleted = spawnSync(
      python,
      [
        "-c",
        "import sys, mlflow; c = mlflow.MlflowClient(tracking_uri=sys.argv[1]); c.delete_experiment(c.get_experiment_by_name('poisonlab').experiment_id)",
        uri,
      ],
      { cwd: repo.dir, encoding: "utf8" },
    );
    assert.equal(deleted.status, 0, deleted.stderr);
    const failed = repo.run("dvc", ["repro", "--force", "--single-item", "push"], {
      env: { ...NO_MLFLOW, MLFLOW_TRACKING_URI: uri },
    });
    assert.notEqual(failed.status, 0);
    assert.match(
      failed.stderr,
      /poisonlab push: MLflow experiment "poisonlab" at (http:\/\/127\.0\.0\.1:\d+) is deleted; restore it .* \(\1 was the private mlflow server for sqlite:\/\/\/deleted\.db; it is stopped\)/,
    );
    assertNothingRunning(repo);
  });

  it("stops the server when the stage is stopped by SIGTERM", async () => {
    const env = { ...process.env, ...NO_MLFLOW, MLFLOW_TRACKING_URI: "sqlite:///signalled.db" };
    const stage = spawn(process.execPath, ["stages/run.mjs", "push"], { cwd: repo.dir, env, stdio: "ignore" });
    const exited = new Promise<number | null>((done) => stage.once("exit", (code) => done(code)));
    // Wait until the private server runs, then stop the stage while it waits for it or pushes.
    for (let waited = 0; !processesIn(repo.dir).some((p) => /mlflow.*server/.test(p.command)); waited += 100) {
      assert.ok(waited < 60_000, "the private server never started");
      await sleep(100);
    }
    stage.kill("SIGTERM");
    assert.equal(await exited, 143);
    assertNothingRunning(repo);
  });

  it("names requirements-mlflow.txt when no mlflow is installed", () => {
    const path = `${dirname(process.execPath)}:/usr/bin:/bin`;
    const failed = repo.run(process.execPath, ["stages/run.mjs", "push"], {
      env: { ...NO_MLFLOW, PATH: path, MLFLOW_TRACKING_URI: "sqlite:///mlflow.db" },
    });
    assert.equal(failed.status, 1);
    assert.equal(
      failed.stderr.trim(),
      "poisonlab push: the tracking URI sqlite:///mlflow.db needs MLflow to start a private server, and no mlflow was found in .venv/bin or on PATH; install it with: .venv/bin/pip install -r requirements-mlflow.txt",
    );
  });
});
