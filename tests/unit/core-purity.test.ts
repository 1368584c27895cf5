import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { purityViolations } from "../support/core-purity.ts";

const CORE = join(import.meta.dirname, "../../stages/core");

function coreFiles(): string[] {
  return readdirSync(CORE, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(CORE, name));
}

describe("the purity rule of stages/core", () => {
  it("finds Math.random, the clock, the process, globalThis, dynamic loading and Node modules", () => {
    const source = [
      "const pick = Math.random();",
      "const now = Date.now();",
      "const stamp = new Date();",
      "const t = performance.now();",
      "const home = process.env.HOME;",
      "const g = globalThis.x;",
      "const m = require('x');",
      'const n = await import("./x.ts");',
      'import { readFileSync } from "node:fs";',
      'import { join } from "path";',
    ].join("\n");
    assert.deepEqual(
      purityViolations(source).map((violation) => violation.line),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  it("passes pure code and prose in comments", () => {
    const source = [
      "// what the process. does not matter here; Math.random() is never used",
      "/* new Date() in a comment */",
      'import { z } from "zod";',
      "const rng = createRng(seed); // seeded",
      'const url = "https://example.org"; const r = rng();',
    ].join("\n");
    assert.deepEqual(purityViolations(source), []);
  });

  it("holds for every file under stages/core", () => {
    const files = coreFiles();
    assert.ok(files.length > 20, `expected the core's files, found ${files.length}`);
    const found = files.flatMap((file) =>
      purityViolations(readFileSync(file, "utf8")).map((v) => `${file}:${v.line}: ${v.text} (${v.why})`),
    );
    assert.deepEqual(found, []);
  });
});
