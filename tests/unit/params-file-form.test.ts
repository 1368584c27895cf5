import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import {
  certifyParams,
  defenseParams,
  mlflowParams,
  parseSection,
  poisonParams,
  prepareParams,
  studyParams,
  trainParams,
} from "../../stages/core/params.ts";
import { PROJECT_ROOT } from "../support/temp-repo.ts";

const text = readFileSync(join(PROJECT_ROOT, "params.yaml"), "utf8");
const document = parse(text);

describe("params.yaml in the form `dvc exp run -S` writes back", () => {
  it("every section passes its schema, with empty values read as null", () => {
    const schemas = {
      prepare: prepareParams,
      poison: poisonParams,
      defense: defenseParams,
      train: trainParams,
      study: studyParams,
      mlflow: mlflowParams,
      certify: certifyParams,
    };
    for (const [section, schema] of Object.entries(schemas)) parseSection(document, section, schema, "params.yaml");
    assert.equal(document.prepare.rows, null);
    assert.equal(document.train.max_depth, null);
    assert.equal(document.mlflow.tracking_uri, null);
    assert.equal(document.certify.aggregation, "plurality");
  });

  it("has no flow lists and no written-out null, which DVC would rewrite on the first -S", () => {
    const code = text.split("\n").map((line) => line.replace(/\s+#.*$/, ""));
    const rewritten = code.filter((line) => /:\s*\[/.test(line) || /:\s*null\s*$/.test(line));
    assert.deepEqual(rewritten, []);
  });
});
