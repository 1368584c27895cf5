/**
 * The poisonlab-forest engine on synthetic IRIS-like data under the real dvc CLI, in a throw-away git copy
 * of this repository: the command a person runs to train at scale, scaled down to seconds.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

describe("dvc exp run with train.engine=poisonlab-forest on prepare.rows synthetic rows", () => {
  let repo: TempRepo;
  let output: string;
  before(() => {
    repo = createTempRepo();
    // Up to evaluate: the stages after it (study, report, ...) do not read these params and have their own tests.
    output = repo.dvc("exp", "run", "evaluate", "-S", "train.engine=poisonlab-forest", "-S", "prepare.rows=5000");
  });
  after(() => repo?.remove());
  const train = (threads: string) => {
    const result = repo.ok("node", ["--import", "tsx", "stages/train.ts"], { env: { POISONLAB_THREADS: threads } });
    return { stdout: result.stdout, model: repo.read("models/model.json") };
  };

  it("generates, splits, poisons, trains and scores 5000 synthetic rows", () => {
    assert.match(
      output,
      /prepare: data\/raw\/iris\.csv: 5000 synthetic rows fitted to 150 rows, 4 features, 3 classes -> 4001 train \(data\/prepared\/train\.csv\), 999 test/,
    );
    assert.match(output, /train: poisonlab-forest, 100 trees on 4001 rows -> models\/model\.json/);
    assert.equal(repo.read("data/prepared/train.csv").trimEnd().split("\n").length, 4002);
    const model = JSON.parse(repo.read("models/model.json"));
    assert.equal(model.engine, "poisonlab-forest");
    assert.equal(model.forest.format, "poisonlab-forest");
    assert.equal(model.forest.tree_count, 100);
    const metrics = JSON.parse(repo.read("metrics/evaluate.json"));
    assert.equal(metrics.test_rows, 999);
    // Synthetic classes overlap as IRIS's do; scikit-learn scores about 0.95 here.
    assert.ok(metrics.accuracy > 0.9 && metrics.accuracy < 1, `clean-test accuracy ${metrics.accuracy}`);
  });

  it("records the new params in dvc.lock and re-runs nothing the second time", () => {
    const lock = parse(repo.read("dvc.lock"));
    const prepare = lock.stages.prepare.params["params.yaml"].prepare;
    assert.deepEqual([prepare.seed, prepare.test_size, prepare.source, prepare.rows], [42, 0.2, "iris", 5000]);
    assert.equal(lock.stages.train.params["params.yaml"].train.engine, "poisonlab-forest");
    assert.match(repo.dvc("repro", "evaluate"), /Data and pipelines are up to date/);
  });

  it("writes the same model file byte for byte on one thread and on two", () => {
    // 500 trees on 4001 rows is past the size where the stage starts worker threads.
    const params = parse(repo.read("params.yaml"));
    params.train.n_estimators = 500;
    repo.write("params.yaml", stringify(params));
    const one = train("1");
    const two = train("2");
    assert.match(one.stdout, /500 trees on 4001 rows -> /);
    assert.match(two.stdout, /500 trees on 4001 rows \(2 threads\) -> /);
    assert.ok(one.model === two.model, "identical model files");
    // What dvc runs: the stage's bundle, whose worker is the bundle build/forest-worker.mjs, not the TypeScript.
    const bundled = repo.ok("node", ["stages/run.mjs", "train"], { env: { POISONLAB_THREADS: "2" } });
    assert.match(bundled.stdout, /500 trees on 4001 rows \(2 threads\) -> /);
    assert.ok(repo.read("models/model.json") === one.model, "the bundled stage writes the same model file");
  });

  it("evaluates the same on one thread and on two", () => {
    // The 500 trees above, scored on the 4001 training rows: rows x trees past the size where evaluate's
    // bundle starts prediction workers (build/forest-worker.mjs).
    repo.write("data/prepared/test.csv", repo.read("data/prepared/train.csv"));
    const outputs = ["metrics/evaluate.json", "metrics/evaluate-details.json", "metrics/confusion.json"];
    const evaluate = (threads: string) => {
      repo.ok("node", ["stages/run.mjs", "evaluate"], { env: { POISONLAB_THREADS: threads } });
      return outputs.map((path) => repo.read(path));
    };
    const one = evaluate("1");
    assert.equal(JSON.parse(one[1] as string).test_rows, 4001);
    assert.deepEqual(evaluate("2"), one);
  });

  it("trains with histogram splits (train.max_bins), the same model file on one thread and on two", () => {
    const params = parse(repo.read("params.yaml"));
    const exact = train("2").model;
    params.train.max_bins = 16;
    repo.write("params.yaml", stringify(params));
    const one = train("1");
    const two = train("2");
    assert.match(two.stdout, /trees on 4001 rows \(2 threads\) -> /);
    assert.ok(one.model === two.model, "identical model files");
    assert.ok(one.model !== exact, "16 bins cut IRIS-like features with hundreds of values: other trees");
    const model = JSON.parse(one.model);
    assert.equal(model.params.max_bins, 16);
    assert.equal(JSON.parse(exact).params.max_bins, undefined);
  });

  it("refuses a POISONLAB_THREADS that is not a number of threads, naming it", () => {
    const result = repo.run("node", ["--import", "tsx", "stages/train.ts"], { env: { POISONLAB_THREADS: "many" } });
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr,
      /^poisonlab train: POISONLAB_THREADS = "many": expected a whole number of threads, at least 1/,
    );
  });
});
