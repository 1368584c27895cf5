import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { featureRanges, formatTable, parseTable } from "../../stages/core/dataset.ts";
import { StageError } from "../../stages/core/errors.ts";

const HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";

describe("parseTable", () => {
  it("reads rows, encodes labels as class indices and round-trips through formatTable", () => {
    const text = `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n6.3,3.3,6,2.5,virginica\n`;
    const rows = parseTable(text, "raw.csv");
    assert.deepEqual(rows, [
      { features: [5.1, 3.5, 1.4, 0.2], label: 0 },
      { features: [6.3, 3.3, 6, 2.5], label: 2 },
    ]);
    assert.equal(formatTable(rows), text);
  });

  const badFiles: Array<[string, string, RegExp]> = [
    ["an empty file", "", /^raw\.csv: the file is empty/],
    [
      "a missing column",
      "sepal_length,sepal_width,petal_length,species\n5.1,3.5,1.4,setosa\n",
      /^raw\.csv line 1: expected the header/,
    ],
    [
      "a non-numeric value",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,abc,1.4,0.2,setosa\n`,
      /^raw\.csv line 3, column sepal_width: "abc" is not a finite number/,
    ],
    [
      "an empty value",
      `${HEADER}\n5.1,,1.4,0.2,setosa\n`,
      /^raw\.csv line 2, column sepal_width: "" is not a finite number/,
    ],
    [
      "an unknown class",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,0.2,rosa\n`,
      /^raw\.csv line 3, column species: unknown class "rosa"/,
    ],
    [
      "a ragged row",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,setosa\n`,
      /^raw\.csv line 3: expected 5 fields, found 4/,
    ],
    ["a header alone", `${HEADER}\n`, /^raw\.csv: no data rows/],
    ["an unclosed quote", `${HEADER}\n"5.1,3.5,1.4,0.2,setosa\n`, /^raw\.csv line \d+: not valid CSV/],
  ];
  for (const [what, text, message] of badFiles) {
    it(`rejects ${what} with a StageError naming the file and line`, () => {
      assert.throws(
        () => parseTable(text, "raw.csv"),
        (error: unknown) => {
          assert.ok(error instanceof StageError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it("counts lines after blank lines the way an editor does", () => {
    const text = `${HEADER}\n\n5.1,3.5,1.4,0.2,setosa\n5.1,x,1.4,0.2,setosa\n`;
    assert.throws(() => parseTable(text, "raw.csv"), /raw\.csv line 4, column sepal_width/);
  });
});

describe("formatTable", () => {
  it("rounds to 6 decimals so outputs are byte-stable", () => {
    const text = formatTable([{ features: [0.1 + 0.2, 1 / 3, 2, -0], label: 1 }]);
    assert.equal(text, `${HEADER}\n0.3,0.333333,2,0,versicolor\n`);
  });
});

describe("featureRanges", () => {
  it("gives min and max of each feature", () => {
    const ranges = featureRanges([
      { features: [1, 5, 3, 0], label: 0 },
      { features: [2, 4, 3, -1], label: 1 },
    ]);
    assert.deepEqual(ranges, [
      [1, 2],
      [4, 5],
      [3, 3],
      [-1, 0],
    ]);
  });
});
