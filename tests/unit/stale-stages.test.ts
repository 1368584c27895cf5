import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeStale, staleDeps } from "../../stages/mlflow/stale-stages.ts";

/** A dvc.lock of the single run's shape: train writes the model, export and evaluate read it. */
function lock(modelReadByExport: string, modelReadByPush: string) {
  return {
    schema: "2.0",
    stages: {
      prepare: { cmd: "p", outs: [{ path: "data/prepared", md5: "d1.dir" }] },
      train: {
        cmd: "t",
        deps: [{ path: "data/prepared/train.csv", md5: "t1" }],
        outs: [{ path: "models/model.json", md5: "m2" }],
      },
      export: {
        cmd: "e",
        deps: [{ path: "models/model.json", md5: modelReadByExport }],
        outs: [{ path: "models/model.onnx", md5: "o1" }],
      },
      evaluate: {
        cmd: "v",
        deps: [
          { path: "models/model.json", md5: "m2" },
          { path: "data/raw/iris.csv", md5: "r" },
        ],
      },
      push: {
        cmd: "u",
        deps: [
          { path: "models/model.json", md5: modelReadByPush },
          { path: "params.yaml", md5: "x" },
        ],
      },
    },
  };
}

describe("staleDeps: stages that did not run on what the others wrote", () => {
  it("finds none when every dep that is another stage's out has that out's hash", () => {
    assert.deepEqual(staleDeps(lock("m2", "m2"), "dvc.lock"), []);
  });

  it("names the stage, the path and its writer when a dep's hash differs (an experiment run with stage names)", () => {
    assert.deepEqual(staleDeps(lock("m1", "m2"), "dvc.lock"), [
      { stage: "export", path: "models/model.json", writer: "train" },
    ]);
  });

  it("leaves out the ignored stages, and deps inside an output folder or written by no stage", () => {
    assert.deepEqual(staleDeps(lock("m2", "m1"), "dvc.lock", ["push"]), []);
    assert.deepEqual(staleDeps(lock("m2", "m1"), "dvc.lock").length, 1);
  });

  it("refuses what is not a dvc.lock, naming the source", () => {
    assert.throws(
      () => staleDeps({ stages: [1] }, "dvc.lock at exp-1"),
      /^StageError: dvc\.lock at exp-1: not a dvc\.lock/,
    );
    assert.throws(() => staleDeps(null, "dvc.lock at exp-1"), /dvc\.lock at exp-1: not a dvc\.lock/);
  });

  it("says which stages did not run and how to run them", () => {
    const line = describeStale(staleDeps(lock("m1", "m1"), "dvc.lock"), "swell-fees");
    assert.match(
      line,
      /^stages export, push did not run in it \(export read another models\/model\.json than train wrote\)/,
    );
    assert.match(line, /dvc exp apply swell-fees && dvc repro$/);
  });
});
