import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { formatCsv, headerOf } from "../../stages/core/dataset.ts";
import { StageError } from "../../stages/core/errors.ts";
import { matrixFromRows } from "../../stages/core/forest/matrix.ts";
import { createRng } from "../../stages/core/rng.ts";
import { stratifiedSplit } from "../../stages/core/split.ts";
import { splitTables, syntheticTables } from "../../stages/core/synthetic.ts";
import { readMatrix, readTable, rowRecords, taggedRecords, writeTables } from "../../stages/shell/csv-stream.ts";
import { PARTIAL_PREFIX } from "../../stages/shell/partial-files.ts";
import { IRIS, IRIS_SCHEMA } from "../support/iris.ts";

const HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";
const iris = IRIS.rows;
const HEADER_FIELDS = headerOf(IRIS_SCHEMA);
const folder = mkdtempSync(join(tmpdir(), "poisonlab-csv-stream-"));
after(() => rmSync(folder, { recursive: true, force: true }));
const file = (name: string) => join(folder, name);

async function failure(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    assert.ok(error instanceof StageError, `a StageError, got ${error}`);
    return error.message;
  }
  assert.fail("expected a failure");
}

describe("streamed CSV tables", () => {
  it("writes IRIS's split with exactly formatCsv's bytes, and reads it back", async () => {
    const split = stratifiedSplit(iris, 0.2, createRng(42));
    await writeTables(
      [file("train.csv"), file("test.csv")],
      HEADER_FIELDS,
      taggedRecords(IRIS_SCHEMA, splitTables(split).rows),
    );
    assert.equal(readFileSync(file("train.csv"), "utf8"), formatCsv(IRIS_SCHEMA, split.train));
    assert.equal(readFileSync(file("test.csv"), "utf8"), formatCsv(IRIS_SCHEMA, split.test));
    assert.deepEqual(await readTable(file("train.csv"), IRIS_SCHEMA), split.train);
    assert.deepEqual(await readMatrix(file("test.csv"), IRIS_SCHEMA), matrixFromRows(split.test, 3));
  });

  it("streams synthetic tables of any size, row counts as announced", async () => {
    const tables = syntheticTables(IRIS, 20_000, 0.25, createRng(1), createRng(2));
    await writeTables(
      [file("big-train.csv"), file("big-test.csv")],
      HEADER_FIELDS,
      taggedRecords(IRIS_SCHEMA, tables.rows),
      { [file("note.txt")]: "beside\n" },
    );
    assert.equal((await readMatrix(file("big-train.csv"), IRIS_SCHEMA)).rowCount, tables.sizes[0]);
    assert.equal((await readTable(file("big-test.csv"), IRIS_SCHEMA)).length, tables.sizes[1]);
    assert.equal(readFileSync(file("note.txt"), "utf8"), "beside\n");
  });

  it("writes nothing when the rows fail midway, not even a temporary file", async () => {
    function* failing() {
      yield* rowRecords(IRIS_SCHEMA, 0, iris.slice(0, 3));
      throw new Error("the source broke");
    }
    await assert.rejects(
      writeTables([file("half.csv")], HEADER_FIELDS, failing(), { [file("half.json")]: "{}" }),
      /the source broke/,
    );
    assert.ok(!existsSync(file("half.csv")) && !existsSync(file("half.json")));
    assert.deepEqual(
      readdirSync(folder).filter((name) => name.startsWith(PARTIAL_PREFIX)),
      [],
    );
  });

  const cases: Array<[string, string | null, RegExp]> = [
    ["a missing file", null, /missing\.csv: cannot read it: the file does not exist$/],
    ["an empty file", "", /empty\.csv: the file is empty; expected a header line/],
    ["a header alone", `${HEADER}\n`, /header\.csv: no data rows after the header$/],
    ["another header", "a,b,c,d,e\n1,2,3,4,setosa\n", /wrong\.csv line 1: expected the header "sepal_length,/],
    [
      "a bad number",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5,x,1,1,setosa\n`,
      /number\.csv line 3, column sepal_width: "x" is not a decimal number/,
    ],
    [
      "an unknown class",
      `${HEADER}\n5.1,3.5,1.4,0.2,rose\n`,
      /class\.csv line 2, column species: unknown class "rose"/,
    ],
  ];
  for (const [what, content, message] of cases) {
    it(`names the file and line of ${what}`, async () => {
      const name = `${message.source.match(/^(\w+)/)?.[1]}.csv`;
      if (content !== null) writeFileSync(file(name), content);
      assert.match(await failure(() => readTable(file(name), IRIS_SCHEMA)), message);
    });
  }
});
