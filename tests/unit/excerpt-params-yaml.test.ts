import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StageError } from "../../stages/core/errors.ts";
import { EXCERPT_LENGTH, excerpt } from "../../stages/core/excerpt.ts";
import { parseSection, poisonParams } from "../../stages/core/params.ts";
import { readParamsSection } from "../../stages/core/params-yaml.ts";

describe("excerpt", () => {
  it("quotes short values whole, numbers JSON cannot spell as themselves", () => {
    assert.equal(excerpt("ten"), "ten");
    assert.equal(excerpt(Number.NaN), "NaN");
    assert.equal(excerpt({ rate: Number.POSITIVE_INFINITY }), '{"rate":"Infinity"}');
    assert.equal(excerpt(undefined), "undefined");
  });

  it("cuts a long value to an excerpt with its length, on one line", () => {
    const shown = excerpt(`${"x".repeat(10_000_000)}`);
    assert.equal(shown, `${"x".repeat(EXCERPT_LENGTH)}… (10000000 characters)`);
    assert.equal(excerpt("a\nb\u0000c"), "a\\nb\\u0000c");
  });

  it("keeps a params message short for a 1 MB value", () => {
    const document = { poison: { method: "m".repeat(1_000_000), rate: 0.1, seed: 1 } };
    assert.throws(
      () => parseSection(document, "poison", poisonParams, "params.yaml"),
      (error: unknown) =>
        error instanceof StageError && error.message.length < 400 && /poison\.method = "m+…/.test(error.message),
    );
  });
});

describe("readParamsSection: numbers in decimal only", () => {
  const yaml = (rate: string) => `poison:\n  method: label_flip\n  rate: ${rate}\n  seed: 7\nother:\n  x: 0x10\n`;

  it("reads decimal numbers, and ignores sections it was not asked for", () => {
    for (const [text, value] of [
      ["0.1", 0.1],
      ["1", 1],
      [".5", 0.5],
      ["1e-1", 0.1],
      ["-0", -0],
      ["'0x10'", "0x10"],
    ] as const) {
      assert.deepEqual(readParamsSection(yaml(text), "poison", "params.yaml"), {
        method: "label_flip",
        rate: value,
        seed: 7,
      });
    }
  });

  const refused: Array<[string, string]> = [
    ["a hexadecimal number (read as 16 before)", "0x10"],
    ["an octal number (read as 15 before)", "0o17"],
    ["NaN (reported as null before)", ".nan"],
    ["infinity", "-.inf"],
  ];
  for (const [name, raw] of refused) {
    it(`refuses ${name}, naming the key and the text as written`, () => {
      assert.throws(
        () => readParamsSection(yaml(raw), "poison", "params.yaml"),
        (error: unknown) =>
          error instanceof StageError &&
          error.message ===
            `Invalid params in params.yaml:\n  ✖ poison.rate = ${raw}: write numbers in decimal (e.g. 16, 0.5, 1e-3)`,
      );
    });
  }

  it("names the position in a list", () => {
    assert.throws(
      () => readParamsSection("study:\n  rates: [0, 0x1]\n", "study", "params.yaml"),
      /study\.rates\[1\] = 0x1: write numbers in decimal/,
    );
  });

  it("reports broken YAML in one short line", () => {
    assert.throws(
      () => readParamsSection("poison: [\n", "poison", "params.yaml"),
      /StageError: params\.yaml: not valid YAML: /,
    );
  });
});
