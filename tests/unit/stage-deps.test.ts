import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { importClosure, relativeLoads, rewriteDeps, stageDeps } from "../../scripts/import-closure.ts";
import { PROJECT_ROOT } from "../support/temp-repo.ts";

const readFrom = (files: Record<string, string>) => (path: string) => files[path];
const readProject = (path: string) => {
  const full = join(PROJECT_ROOT, path);
  return existsSync(full) ? readFileSync(full, "utf8") : undefined;
};

describe("relativeLoads", () => {
  it("finds static, multi-line, re-exported, side-effect and dynamic imports, and worker URLs", () => {
    const source = [
      'import { a } from "./a.ts";',
      "import {",
      "  b,",
      "  type B,",
      '} from "../b.ts";',
      'export { c } from "./c.ts";',
      'export * from "./d.ts";',
      'import "./e.ts";',
      'const f = await import("./f.ts");',
      'const worker = new URL("./worker.ts", import.meta.url).href;',
    ].join("\n");
    assert.deepEqual(relativeLoads(source).sort(), [
      "../b.ts",
      "./a.ts",
      "./c.ts",
      "./d.ts",
      "./e.ts",
      "./f.ts",
      "./worker.ts",
    ]);
  });

  it("leaves out packages, type-only imports and imports in comments", () => {
    const source = [
      'import { z } from "zod";',
      'import { readFileSync } from "node:fs";',
      'import type { T } from "./types.ts";',
      'export type { U } from "./more-types.ts";',
      '// import { old } from "./old.ts";',
      "/**",
      ' * import { doc } from "./doc.ts";',
      " */",
    ].join("\n");
    assert.deepEqual(relativeLoads(source), []);
  });
});

describe("importClosure", () => {
  it("follows loads transitively, relative to each file, once each, sorted", () => {
    const read = readFrom({
      "stages/x.ts": 'import { a } from "./core/a.ts";\nimport { s } from "./shell/s.ts";',
      "stages/core/a.ts": 'import { b } from "./sub/b.ts";',
      "stages/core/sub/b.ts": 'import { a } from "../a.ts";',
      "stages/shell/s.ts": 'new Worker(new URL("./w.ts", import.meta.url));',
      "stages/shell/w.ts": 'import { b } from "../core/sub/b.ts";',
      "stages/unused.ts": "",
    });
    assert.deepEqual(importClosure("stages/x.ts", read), [
      "stages/core/a.ts",
      "stages/core/sub/b.ts",
      "stages/shell/s.ts",
      "stages/shell/w.ts",
      "stages/x.ts",
    ]);
  });

  it("names the file that loads a missing one", () => {
    const read = readFrom({ "stages/x.ts": 'import { a } from "./gone.ts";' });
    assert.throws(
      () => importClosure("stages/x.ts", read),
      /stages\/gone\.ts does not exist \(loaded by stages\/x\.ts\)/,
    );
  });
});

describe("dvc.yaml deps: the launcher, the stage's bundle and the bundles of the workers it starts", () => {
  const files = {
    "stages/x.ts": 'import { a } from "./core/a.ts";',
    "stages/core/a.ts": "export const a = 1;",
    "stages/y.ts": 'import { s } from "./shell/forest-pool.ts";',
    "stages/shell/forest-pool.ts": 'new Worker(new URL("./forest-worker.ts", import.meta.url));',
    "stages/shell/forest-worker.ts": "",
  };
  const dvcYaml = [
    "stages:",
    "  x:",
    "    cmd: node stages/run.mjs x",
    "    deps:",
    "      - stages/x.ts",
    "      - stages/core",
    "      - package-lock.json",
    "      - data/in.csv   # the input",
    "    outs:",
    "      - out",
    "  y:",
    "    cmd: node stages/run.mjs y",
    "    deps:",
    "      - stages/run.mjs",
    "      - build/y.mjs",
    "  build:",
    "    cmd: node stages/build.mjs",
    "    deps:",
    "      - stages",
    "",
  ].join("\n");

  it("names each stage's missing and extra deps: sources and the lockfile are extra, the bundles missing", () => {
    const [x, y, ...others] = stageDeps(parse(dvcYaml), readFrom(files));
    assert.deepEqual(others, [], "a stage that runs no bundle (the build itself) is not checked");
    assert.deepEqual(x?.missing, ["stages/run.mjs", "build/x.mjs"]);
    assert.deepEqual(x?.extra, ["stages/x.ts", "stages/core", "package-lock.json"]);
    assert.deepEqual(x?.expected, ["stages/run.mjs", "build/x.mjs", "data/in.csv"]);
    assert.deepEqual(
      y?.missing,
      ["build/forest-worker.mjs"],
      "a stage that may start a forest worker reads its bundle",
    );
    assert.deepEqual(y?.extra, []);
  });

  it("rewrites only the code deps, keeping the data deps, their comments and the rest", () => {
    const rewritten = rewriteDeps(dvcYaml, stageDeps(parse(dvcYaml), readFrom(files)));
    assert.equal(
      rewritten,
      dvcYaml
        .replace(
          "      - stages/x.ts\n      - stages/core\n      - package-lock.json\n",
          "      - stages/run.mjs\n      - build/x.mjs\n",
        )
        .replace("      - build/y.mjs\n", "      - build/y.mjs\n      - build/forest-worker.mjs\n"),
    );
    assert.deepEqual(
      stageDeps(parse(rewritten), readFrom(files)).map(({ missing, extra }) => [...missing, ...extra]),
      [[], []],
    );
  });

  it("the project's dvc.yaml lists exactly the files each stage loads (fix with: npm run deps -- --write)", () => {
    const report = stageDeps(parse(readFileSync(join(PROJECT_ROOT, "dvc.yaml"), "utf8")), readProject);
    assert.ok(report.length >= 10, `every TypeScript stage is checked: ${report.map((stage) => stage.stage)}`);
    const problems = report.flatMap(({ stage, missing, extra }) => [
      ...missing.map((file) => `${stage}: dvc.yaml misses ${file}`),
      ...extra.map((file) => `${stage}: dvc.yaml lists ${file}, which the stage does not load`),
    ]);
    assert.deepEqual(problems, []);
  });

  it("the train stage's closure includes the worker script its forest pool starts", () => {
    assert.ok(importClosure("stages/train.ts", readProject).includes("stages/shell/forest-worker.ts"));
  });
});
