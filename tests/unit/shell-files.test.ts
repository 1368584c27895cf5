import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { StageError } from "../../stages/core/errors.ts";
import { writeTextStreamed } from "../../stages/shell/atomic-streams.ts";
import { writeOutputs } from "../../stages/shell/files.ts";
import { claimPartial, livePartialCount, PARTIAL_PREFIX, removeAllPartials } from "../../stages/shell/partial-files.ts";
import { writeFailure } from "../../stages/shell/write-error.ts";

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

function* brokenSource(): Generator<string> {
  yield "{";
  throw new Error("the source broke");
}

describe("partial files", () => {
  const dir = mkdtempSync(join(tmpdir(), "poisonlab-partials-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("live beside their output under a hidden prefix, and are settled once renamed", async () => {
    const partial = claimPartial(join(dir, "out.csv"));
    assert.equal(partial, join(dir, `${PARTIAL_PREFIX}${process.pid}-out.csv`));
    removeAllPartials();
    await writeTextStreamed(join(dir, "model.json"), ["{", "}"]);
    assert.equal(readFileSync(join(dir, "model.json"), "utf8"), "{}");
    assert.equal(livePartialCount(), 0);
    assert.deepEqual(readdirSync(dir), ["model.json"]);
  });

  it("are all removed by removeAllPartials, as a signal handler does", () => {
    const partials = ["a.csv", "b.json"].map((name) => claimPartial(join(dir, name)));
    for (const partial of partials) writeFileSync(partial, "half");
    removeAllPartials();
    assert.equal(livePartialCount(), 0);
    assert.ok(readdirSync(dir).every((name) => !name.startsWith(PARTIAL_PREFIX)));
  });

  it("a failed stream write is one StageError naming the output, and leaves nothing", async () => {
    await assert.rejects(writeTextStreamed(join(dir, "never.json"), brokenSource()), /the source broke/);
    assert.equal(livePartialCount(), 0);
    assert.ok(!readdirSync(dir).some((name) => name.startsWith(PARTIAL_PREFIX) || name === "never.json"));
  });
});

describe("writeFailure", () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: raw`), { code, errno: -28 });
  const cases: Array<[string, string]> = [
    ["ENOSPC", "no space left on device (ENOSPC)"],
    ["EDQUOT", "disk quota exceeded (no space left on device for this user) (EDQUOT)"],
    ["EACCES", "permission denied (EACCES)"],
    ["EROFS", "read-only file system (EROFS)"],
  ];
  for (const [code, reason] of cases) {
    it(`reads ${code} as "${reason}", naming the file`, () => {
      const error = writeFailure(errno(code), "metrics/x.json");
      assert.ok(error instanceof StageError);
      assert.equal(error.message, `metrics/x.json: cannot write it: ${reason}`);
    });
  }
  it("leaves bugs and stream-internal errors as they are, to print with their stack", () => {
    const bug = new TypeError("x is undefined");
    assert.equal(writeFailure(bug, "a"), bug);
    const internal = Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
    assert.equal(writeFailure(internal, "a"), internal);
  });
});
