/**
 * Files read back are distrusted at the stage level too: evaluate refuses a tampered model file or manifest
 * with one message naming the file, exit 1, and leaves its old outputs as they were.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

const OUTPUTS = ["metrics/evaluate.json", "metrics/confusion.json"];

describe("evaluate distrusts what it reads back", () => {
  let repo: TempRepo;
  let model: string;
  let manifest: string;
  let outputs: string[];

  before(() => {
    repo = createTempRepo();
    repo.dvc("repro", "evaluate");
    model = repo.read("models/model.json");
    manifest = repo.read("data/poisoned/manifest.json");
    outputs = OUTPUTS.map((path) => repo.read(path));
  });
  after(() => repo.remove());

  const cases: Array<[string, string, (text: string) => string, RegExp]> = [
    [
      "a model file claiming a billion trees (allocated without bound before)",
      "models/model.json",
      (text) => text.replace(/"nEstimators":100/, '"nEstimators":1000000000'),
      /^poisonlab evaluate: models\/model\.json: forest\.baseModel\.nEstimators = 1000000000, but it holds 100 trees and 100 feature lists\n$/,
    ],
    [
      "a manifest with inflated counts (copied into the metrics before)",
      "data/poisoned/manifest.json",
      (text) => text.replace(/"rows_in": 120/, '"rows_in": 1200').replace(/"rows_out": 120/, '"rows_out": 1200'),
      /^poisonlab evaluate: data\/poisoned\/manifest\.json: rows_poisoned = 12, but rate 0\.1 of rows_in = 1200 is 120; re-run the poison stage\n$/,
    ],
  ];
  for (const [name, path, tamper, message] of cases) {
    it(`refuses ${name}`, () => {
      const original = path === "models/model.json" ? model : manifest;
      const tampered = tamper(original);
      assert.notEqual(tampered, original, "the tamper applies");
      repo.write(path, tampered);
      try {
        const result = repo.run("node", ["--import", "tsx", "stages/evaluate.ts"], { timeoutMs: 120_000 });
        assert.equal(result.status, 1, result.stderr);
        assert.match(result.stderr, message);
        assert.deepEqual(
          OUTPUTS.map((output) => repo.read(output)),
          outputs,
          "old outputs kept",
        );
      } finally {
        repo.write(path, original);
      }
    });
  }
});
