/**
 * The sanitize stage under the real dvc CLI: the acceptance command in a throw-away git copy of
 * this repository, and the detection metrics it must leave in metrics/sanitize.json.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

describe("dvc exp run -S defense.method=label -S poison.rate=0.1", () => {
  let repo: TempRepo;
  let output: string;

  before(() => {
    repo = createTempRepo();
    // The target stops at evaluate: the study, report and push stages do not read the defense.
    output = repo.dvc("exp", "run", "-S", "defense.method=label", "-S", "poison.rate=0.1", "evaluate");
  });
  after(() => repo?.remove());

  it("runs the sanitize stage between poison and train", () => {
    const order = ["poison", "sanitize", "train"].map((stage) => output.indexOf(`Running stage '${stage}'`));
    assert.ok(
      order.every((at) => at >= 0),
      output,
    );
    assert.ok(order[0]! < order[1]! && order[1]! < order[2]!, "poison, then sanitize, then train");
  });

  it("reports the detection metrics against the poison manifest", () => {
    const headline = JSON.parse(repo.read("metrics/sanitize.json"));
    const metrics = JSON.parse(repo.read("metrics/sanitize-details.json"));
    const manifest = JSON.parse(repo.read("data/poisoned/manifest.json"));
    assert.equal(headline.defense_method, "label");
    for (const key of ["removed", "rows_kept", "precision", "recall", "f1", "auroc"]) {
      assert.equal(headline[key], metrics[key], `the headline's ${key} is the details'`);
    }
    assert.equal(metrics.method, "label");
    assert.equal(metrics.rows, 120);
    assert.equal(metrics.poisoned, manifest.rows_poisoned);
    assert.equal(metrics.poisoned, 12);
    for (const key of ["precision", "recall", "f1", "auroc"]) {
      assert.ok(metrics[key] >= 0 && metrics[key] <= 1, `${key} = ${metrics[key]}`);
    }
    assert.ok(metrics.removed > 0, "the label check removed rows");
    assert.equal(metrics.true_positives + metrics.false_positives, metrics.removed);
    assert.ok(metrics.auroc > 0.9, `one seed of a defense whose mean AUROC is 0.98: ${metrics.auroc}`);
  });

  it("trains on the kept rows, and lists every row's score in the flags file", () => {
    const metrics = JSON.parse(repo.read("metrics/sanitize.json"));
    const kept = repo.read("data/sanitized/train.csv").trim().split("\n").length - 1;
    assert.equal(kept, metrics.rows_kept);
    assert.equal(kept, 120 - metrics.removed);
    const flags = JSON.parse(repo.read("data/sanitized/flags.json"));
    assert.equal(flags.scores.length, 120);
    assert.equal(flags.scores.filter((row: { flagged: boolean }) => row.flagged).length, metrics.removed);
  });

  it("shows the metrics through dvc, with the experiment's params", () => {
    const shown = JSON.parse(repo.dvc("metrics", "show", "--json"));
    const files = Object.values(shown as Record<string, { data?: Record<string, unknown> }>)[0]?.data ?? {};
    assert.ok("metrics/sanitize.json" in files, Object.keys(files).join(", "));
    const params = parse(repo.read("params.yaml"));
    assert.equal(params.defense.method, "label");
    assert.equal(params.poison.rate, 0.1);
  });
});
