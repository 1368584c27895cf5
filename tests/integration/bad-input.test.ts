/**
 * Bad input stops a stage with one clear message naming the file, line or params key and the value, a
 * non-zero exit, no output written, and the raw data untouched.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

const RAW = "data/raw/iris.csv";
const HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";

function runStage(repo: TempRepo, stage: string) {
  return repo.run("node", ["--import", "tsx", `stages/${stage}.ts`]);
}

describe("bad input", () => {
  let repo: TempRepo;
  let rawText: string;
  let paramsText: string;

  before(() => {
    repo = createTempRepo();
    rawText = repo.read(RAW);
    paramsText = repo.read("params.yaml");
  });
  after(() => repo?.remove());

  it("dvc repro stops at a malformed raw file with the file and line, writes nothing and leaves the file as it was", () => {
    const bad = `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n4.9,three,1.4,0.2,setosa\n`;
    repo.write(RAW, bad);
    const result = repo.run("dvc", ["repro"]);
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr + result.stdout,
      /poisonlab prepare: data\/raw\/iris\.csv line 3, column sepal_width: "three" is not a decimal number, but 1 other values of the column are/,
    );
    assert.ok(!repo.exists("data/prepared"), "no output folder");
    assert.equal(repo.read(RAW), bad, "raw data never modified");
    repo.write(RAW, rawText);
  });

  const rawCases: Array<[string, string, RegExp]> = [
    ["an empty file", "", /data\/raw\/iris\.csv: the file is empty/],
    [
      "a file without the label column",
      "sepal_length,sepal_width,petal_length,kind\n5.1,3.5,1.4,setosa\n",
      /data\/raw\/iris\.csv line 1: no column "species" for the label \(prepare\.label\)/,
    ],
    [
      "a single class",
      `${HEADER}\n5.1,3.5,1.4,0.2,rosa\n5.1,3.5,1.4,0.2,rosa\n`,
      /data\/raw\/iris\.csv, column species: every row has the class "rosa"/,
    ],
    [
      "a class too small for the split",
      `${HEADER}\n${"5.1,3.5,1.4,0.2,setosa\n".repeat(10)}6,3,5,2,virginica\n`,
      /data\/raw\/iris\.csv: the class "virginica" has 1 row, and prepare\.test_size = 0\.2 puts 0 of them in the test split/,
    ],
    [
      "a missing value",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,NA,1.4,0.2,setosa\n`,
      /data\/raw\/iris\.csv line 3, column sepal_width: missing value "NA" .*prepare\.missing: drop/,
    ],
    [
      "an unclosed quote, at the line where the record starts",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n"5.1,3.5,1.4,0.2,setosa\n${"5,3,1,0.2,setosa\n".repeat(30)}`,
      /data\/raw\/iris\.csv line 3: not valid CSV: Quote Not Closed/,
    ],
    [
      "a 10 MB value, quoted as a short excerpt",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,0.2,setosa\n${"x".repeat(10_000_000)},3.5,1.4,0.2,setosa\n`,
      /data\/raw\/iris\.csv line 4, column sepal_length: "x{40}"… \(10000000 characters\) is not a decimal number/,
    ],
    [
      "a ragged row",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,3.5,setosa\n`,
      /data\/raw\/iris\.csv line 3: expected 5 fields, found 3/,
    ],
  ];
  for (const [what, text, message] of rawCases) {
    it(`prepare rejects ${what} in one line of stderr and exits 1`, () => {
      repo.write(RAW, text);
      const result = runStage(repo, "prepare");
      assert.equal(result.status, 1);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split("\n").length, 1, `one message, no stack: ${result.stderr}`);
      assert.ok(result.stderr.length < 1000, `a short message: ${result.stderr.length} characters`);
      assert.ok(!repo.exists("data/prepared"));
      assert.equal(repo.read(RAW), text);
      repo.write(RAW, rawText);
    });
  }

  const paramCases: Array<[string, string, string, string, RegExp]> = [
    ["poison", "rate: 0.1", "rate: 1.5", "a rate above 1", /poison\.rate = 1\.5: Too big/],
    ["poison", "method: label_flip", "method: noise", "an unknown method", /poison\.method = "noise": Invalid option/],
    ["poison", "rate: 0.1", "rate: 0.1\n  strength: 3", "an unknown key", /poison\.strength = 3: unknown key/],
    [
      "prepare",
      "test_size: 0.2",
      "test_size: big",
      "a wrong type",
      /prepare\.test_size = "big": Invalid input: expected number/,
    ],
    ["train", "n_estimators: 100", "n_estimators: 0", "zero trees", /train\.n_estimators = 0: Too small/],
    ["train", "max_bins: ", "max_bins: 300 ", "too many bins", /train\.max_bins = 300: expected at most 256 bins/],
  ];
  for (const [stage, from, to, what, message] of paramCases) {
    it(`${stage} rejects ${what} in params.yaml, naming key and value, and writes nothing`, () => {
      assert.ok(paramsText.includes(from));
      repo.write("params.yaml", paramsText.replace(from, to));
      const result = runStage(repo, stage);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^poisonlab \w+: Invalid params in params\.yaml:/);
      assert.match(result.stderr, message);
      assert.ok(!repo.exists("data/prepared") && !repo.exists("data/poisoned") && !repo.exists("models/model.json"));
      repo.write("params.yaml", paramsText);
    });
  }

  it("a stage whose input is missing names the file", () => {
    const result = runStage(repo, "poison");
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /poisonlab poison: data\/prepared\/schema\.json: cannot read it: the file does not exist/,
    );
  });
});
