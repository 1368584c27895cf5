import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { writeOutputs } from "../../stages/shell/files.ts";

describe("writeOutputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "poisonlab-files-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("creates folders and writes every file whole", () => {
    writeOutputs({ [join(dir, "a/one.csv")]: "1\n", [join(dir, "b/two.json")]: "{}\n" });
    assert.equal(readFileSync(join(dir, "a/one.csv"), "utf8"), "1\n");
    assert.equal(readFileSync(join(dir, "b/two.json"), "utf8"), "{}\n");
  });

  it("writes nothing and leaves no temporary file when one output cannot be written", () => {
    writeFileSync(join(dir, "blocker"), "a file where a folder should be");
    assert.throws(() => writeOutputs({ [join(dir, "c/first.csv")]: "x\n", [join(dir, "blocker/second.csv")]: "y\n" }));
    assert.ok(!existsSync(join(dir, "c/first.csv")), "the first file was not put in place");
    assert.deepEqual(readdirSync(join(dir, "c")), [], "no temporary file left behind");
  });
});
