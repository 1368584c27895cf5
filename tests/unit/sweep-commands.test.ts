import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseSweepCommands, README_SWEEP, shellLine, sweptRates, withRate } from "../../scripts/sweep-commands.ts";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The README line whose command (before any spaces and `#` comment) is exactly `command`, or -1. */
function lineOfCommand(lines: readonly string[], command: string): number {
  return lines.findIndex((line) => line.replace(/\s+#.*$/, "").trimEnd() === command);
}

describe("README_SWEEP, the sweep npm run bench:sweep times", () => {
  it("is the README's sweep: each command on a line of its own, verbatim and in order", () => {
    const lines = README.split("\n");
    const found = README_SWEEP.map((argv) => lineOfCommand(lines, shellLine(argv)));
    README_SWEEP.forEach((argv, index) => {
      assert.notEqual(found[index], -1, `README.md has no line "${shellLine(argv)}"`);
    });
    assert.deepEqual(
      found,
      [...found].sort((a, b) => a - b),
      "the commands come in the README's order",
    );
  });

  it("sweeps the four levels of poison.rate", () => {
    assert.deepEqual(sweptRates(README_SWEEP), [0, 0.05, 0.1, 0.5]);
  });
});

describe("shellLine", () => {
  it("quotes a word with a comma or a space, as the README does, and leaves a setting like a=b_c bare", () => {
    assert.equal(
      shellLine(["dvc", "exp", "run", "-S", "poison.rate=0,0.5", "-S", "poison.method=label_flip"]),
      "dvc exp run -S 'poison.rate=0,0.5' -S poison.method=label_flip",
    );
    assert.equal(shellLine(["echo", "it's here"]), `echo 'it'\\''s here'`);
  });
});

describe("sweptRates", () => {
  it("reads -S, --set-param and --set-param= settings, with or without the params.yaml: prefix", () => {
    assert.deepEqual(
      sweptRates([
        ["dvc", "exp", "run", "-S", "poison.rate=0.5", "-S", "poison.seed=3"],
        ["dvc", "exp", "run", "--set-param", "params.yaml:poison.rate=0,0.5"],
        ["dvc", "exp", "run", "--set-param=poison.rate=0.2"],
      ]),
      [0.5, 0, 0.2],
    );
  });

  it("is empty for commands that set no rate, and refuses a rate that is not a number", () => {
    assert.deepEqual(sweptRates([["dvc", "exp", "run", "--run-all"]]), []);
    assert.throws(
      () => sweptRates([["dvc", "exp", "run", "-S", "poison.rate=0,half"]]),
      /poison\.rate value "half" is not a number/,
    );
  });
});

describe("parseSweepCommands (BENCH_SWEEP_COMMANDS)", () => {
  it("reads a JSON array of argv arrays as one sweep named sweep", () => {
    assert.deepEqual(parseSweepCommands('[["dvc","exp","run","-S","poison.rate=0"],["dvc","exp","show"]]'), [
      {
        name: "sweep",
        commands: [
          ["dvc", "exp", "run", "-S", "poison.rate=0"],
          ["dvc", "exp", "show"],
        ],
      },
    ]);
  });

  it("reads a JSON object of them as one sweep per name, in the object's order", () => {
    const variants = parseSweepCommands('{"all":[["dvc","exp","run"]],"two stages":[["dvc","exp","run","evaluate"]]}');
    assert.deepEqual(variants, [
      { name: "all", commands: [["dvc", "exp", "run"]] },
      { name: "two stages", commands: [["dvc", "exp", "run", "evaluate"]] },
    ]);
  });

  it("refuses anything else with one message naming the variable (and the sweep, in an object)", () => {
    for (const text of ["dvc exp run", "[]", '["dvc exp run"]', "[[]]", '[["dvc", 1]]', "{}", "null", '{"a":[]}']) {
      assert.throws(() => parseSweepCommands(text), /^Error: BENCH_SWEEP_COMMANDS .*expected a JSON array of argv/);
    }
    assert.throws(
      () => parseSweepCommands('{"lever":[["dvc"],[2]]}'),
      /BENCH_SWEEP_COMMANDS "lever": command 2 is \[2\]/,
    );
  });
});

describe("withRate (the floor of a sweep)", () => {
  it("sets every poison.rate setting to the given rate and leaves every other word alone", () => {
    const sweep = [
      ["dvc", "exp", "run", "-S", "poison.rate=0.5", "-S", "poison.seed=3", "evaluate"],
      ["dvc", "exp", "run", "--set-param", "params.yaml:poison.rate=0"],
      ["dvc", "exp", "run", "--set-param=poison.rate=0.05"],
      ["dvc", "exp", "show"],
    ];
    assert.deepEqual(withRate(sweep, 0.1), [
      ["dvc", "exp", "run", "-S", "poison.rate=0.1", "-S", "poison.seed=3", "evaluate"],
      ["dvc", "exp", "run", "--set-param", "params.yaml:poison.rate=0.1"],
      ["dvc", "exp", "run", "--set-param=poison.rate=0.1"],
      ["dvc", "exp", "show"],
    ]);
    assert.deepEqual(sweptRates(withRate(README_SWEEP, 0.1)), [0.1]);
  });
});
