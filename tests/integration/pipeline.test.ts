/**
 * The pipeline under the real dvc CLI, in a throw-away git copy of this repository: the behaviour a person
 * relies on with `dvc repro`, `dvc exp run`, `dvc metrics diff` and queued sweeps (remotes: remotes.test.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { experimentsFromShowJson, stagesRun } from "../support/dvc-output.ts";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

const OUTPUTS = [
  "data/prepared/train.csv",
  "data/prepared/test.csv",
  "data/poisoned/train.csv",
  "data/poisoned/manifest.json",
  "models/model.json",
  "metrics/evaluate.json",
  "metrics/confusion.json",
];
const UP_TO_DATE = /Data and pipelines are up to date/;

function setParam(repo: TempRepo, section: string, key: string, value: unknown): void {
  const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
  (params[section] as Record<string, unknown>)[key] = value;
  repo.write("params.yaml", stringify(params));
}

describe("dvc repro", () => {
  let repo: TempRepo;
  let committedLock: string;
  let firstRun: string;

  before(() => {
    repo = createTempRepo();
    committedLock = repo.read("dvc.lock");
    firstRun = repo.dvc("repro");
  });
  after(() => repo?.remove());

  it("builds every output from a fresh copy", () => {
    // evaluate may be skipped: its metrics are committed to git and its inputs come out byte-identical.
    for (const stage of ["prepare", "poison", "train"]) assert.ok(stagesRun(firstRun).includes(stage), `${stage} ran`);
    for (const output of OUTPUTS) assert.ok(repo.exists(output), `${output} exists`);
    const metrics = JSON.parse(repo.read("metrics/evaluate.json"));
    assert.equal(typeof metrics.accuracy, "number");
    assert.equal(typeof metrics.accuracy_on_poisoned_test, "number");
  });

  it("reproduces the committed dvc.lock byte for byte (same params, same outputs on any machine)", () => {
    assert.equal(repo.read("dvc.lock"), committedLock);
  });

  it("runs nothing the second time, and dvc status is clean", () => {
    assert.deepEqual(stagesRun(repo.dvc("repro")), []);
    assert.match(repo.dvc("status"), UP_TO_DATE);
  });

  it("leaves dvc.lock and every output unchanged under dvc repro --force", () => {
    const before = OUTPUTS.map((output) => repo.read(output));
    const forced = repo.dvc("repro", "--force");
    assert.ok(stagesRun(forced).includes("prepare"));
    assert.equal(repo.read("dvc.lock"), committedLock);
    assert.deepEqual(
      OUTPUTS.map((output) => repo.read(output)),
      before,
    );
  });

  it("re-runs poison, train and evaluate but not prepare when poison.rate changes", () => {
    setParam(repo, "poison", "rate", 0.3);
    const ran = stagesRun(repo.dvc("repro"));
    assert.ok(!ran.includes("prepare"), `prepare must not run, ran: ${ran}`);
    for (const stage of ["poison", "train", "evaluate"]) assert.ok(ran.includes(stage), `${stage} ran`);
    assert.equal(JSON.parse(repo.read("data/poisoned/manifest.json")).rows_poisoned, 36);
    repo.git("checkout", "--", "params.yaml", "dvc.lock", "metrics");
    repo.dvc("checkout");
    assert.match(repo.dvc("status"), UP_TO_DATE);
  });
});

describe("dvc experiments", () => {
  let repo: TempRepo;
  before(() => {
    repo = createTempRepo();
    repo.dvc("repro");
  });
  // remove() stops the queue worker the sweep started and waits until it is gone.
  after(() => repo?.remove());

  it("dvc exp run -S poison.rate=0.5 succeeds and dvc metrics diff shows accuracy changing", () => {
    repo.dvc("exp", "run", "-S", "poison.rate=0.5");
    const diff = JSON.parse(repo.dvc("metrics", "diff", "--json"));
    const accuracy = diff["metrics/evaluate.json"]?.accuracy;
    assert.ok(accuracy, `accuracy in the diff: ${JSON.stringify(diff)}`);
    assert.notEqual(accuracy.new, accuracy.old);
    assert.equal(diff["metrics/evaluate.json"]["poison.train_rows_poisoned"].new, 60);
    repo.git("checkout", "--", ".");
    repo.dvc("checkout");
  });

  it("a queued sweep over four rates runs in git-only copies and dvc exp show lists all four with metrics", () => {
    const earlier = new Set(
      experimentsFromShowJson(JSON.parse(repo.dvc("exp", "show", "--json"))).map((row) => row.name),
    );
    repo.dvc("exp", "run", "--queue", "-S", "poison.rate=0,0.05,0.1,0.5");
    repo.dvc("exp", "run", "--run-all", "-j", "1");
    const rows = experimentsFromShowJson(JSON.parse(repo.dvc("exp", "show", "--json")));
    const sweep = rows.filter((row) => !earlier.has(row.name));
    const rates = sweep.map((row) => (row.params.poison as { rate: number }).rate).sort();
    assert.deepEqual(rates, [0, 0.05, 0.1, 0.5], JSON.stringify(rows, null, 1));
    for (const row of sweep) {
      assert.equal(typeof row.metrics.accuracy, "number", `${row.name} has accuracy`);
      assert.equal(typeof row.metrics.accuracy_on_poisoned_test, "number");
    }
    const poisonedRows = sweep
      .map((row) => (row.metrics.poison as { train_rows_poisoned: number }).train_rows_poisoned)
      .sort((a, b) => a - b);
    assert.deepEqual(poisonedRows, [0, 6, 12, 60]);
  });
});
