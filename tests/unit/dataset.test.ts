import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeRow, featureRanges, formatCsv, parseTable, type Schema } from "../../stages/core/dataset.ts";
import { StageError } from "../../stages/core/errors.ts";
import { type DataChoice, loadRawTable, rawRows, sortedClasses, trainingSchema } from "../../stages/core/raw-table.ts";
import { checkSplittable } from "../../stages/core/split.ts";
import { decimalValue, excerpt, isMissing } from "../../stages/core/values.ts";

const HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";
const IRIS_LIKE: Schema = {
  features: ["sepal_length", "sepal_width", "petal_length", "petal_width"].map((name) => ({ name, kind: "numeric" })),
  label: "species",
  classes: ["setosa", "versicolor", "virginica"],
};
const choice = (overrides: Partial<DataChoice> = {}): DataChoice => ({
  label: "species",
  features: null,
  categorical: [],
  missing: "refuse",
  ...overrides,
});

function stageError(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof StageError, `a StageError, got ${error}`);
    return error.message;
  }
  assert.fail("expected a StageError");
}

describe("values", () => {
  it("reads decimal numbers only", () => {
    assert.deepEqual(["1", "-2.5", "+.5", "3.", "1e-3", "2E+2"].map(decimalValue), [1, -2.5, 0.5, 3, 0.001, 200]);
    for (const value of ["0x10", "0b1", "Infinity", "-Infinity", "NaN", ".nan", "1\u00002", "1e999", "1,5", "", " "]) {
      assert.ok(Number.isNaN(decimalValue(value)), value);
    }
  });
  it("knows the missing markers", () => {
    assert.deepEqual(["", "NA", "?", "na", "0"].map(isMissing), [true, true, true, false, false]);
  });
  it("quotes a short excerpt of a long value", () => {
    const quoted = excerpt("x".repeat(10_000_000));
    assert.ok(quoted.length < 80, quoted);
    assert.match(quoted, /10000000 characters/);
    assert.equal(excerpt("a\u0000b"), '"a\\u0000b"');
  });
});

describe("parseTable (a pipeline CSV through its schema)", () => {
  it("reads rows, encodes labels as class indices and round-trips through formatCsv", () => {
    const text = `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n6.3,3.3,6,2.5,virginica\n`;
    const rows = parseTable(text, "raw.csv", IRIS_LIKE);
    assert.deepEqual(rows, [
      { features: [5.1, 3.5, 1.4, 0.2], label: 0 },
      { features: [6.3, 3.3, 6, 2.5], label: 2 },
    ]);
    assert.equal(formatCsv(IRIS_LIKE, rows), text);
  });

  const cases: Array<[string, string, RegExp]> = [
    ["an empty file", "", /^raw\.csv: the file is empty/],
    ["a wrong header", "a,b\n1,setosa\n", /^raw\.csv line 1: expected the header "sepal_length,/],
    [
      "a non-number",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,abc,1.4,0.2,setosa\n`,
      /^raw\.csv line 3, column sepal_width: "abc" is not a decimal number$/,
    ],
    [
      "a hexadecimal number",
      `${HEADER}\n0x10,3.5,1.4,0.2,setosa\n`,
      /^raw\.csv line 2, column sepal_length: "0x10" is not a decimal number$/,
    ],
    ["an empty value", `${HEADER}\n5.1,,1.4,0.2,setosa\n`, /^raw\.csv line 2, column sepal_width: missing value ""$/],
    [
      "an unknown class",
      `${HEADER}\n5.1,3.5,1.4,0.2,rosa\n`,
      /^raw\.csv line 2, column species: unknown class "rosa" \(expected one of "setosa", "versicolor", "virginica"\)$/,
    ],
    [
      "a ragged row",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,setosa\n`,
      /^raw\.csv line 3: expected 5 fields, found 4/,
    ],
    ["a header alone", `${HEADER}\n`, /^raw\.csv: no data rows/],
    [
      "an unclosed quote",
      `${HEADER}\n5.1,3.5,1.4,0.2,setosa\n"5.1,3.5,1.4,0.2,setosa\n1,2,3,4,setosa\n`,
      /^raw\.csv line 3: not valid CSV: Quote Not Closed/,
    ],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what} with one message naming the file and line`, () => {
      assert.match(
        stageError(() => parseTable(text, "raw.csv", IRIS_LIKE)),
        message,
      );
    });
  }

  it("counts lines from the start of the file, blank lines and multi-line records included", () => {
    const text = `${HEADER}\n\n5.1,3.5,1.4,0.2,"set\nosa"\n5.1,x,1.4,0.2,setosa\n`;
    assert.match(
      stageError(() => parseTable(text, "raw.csv", IRIS_LIKE)),
      /raw\.csv line 3, column species/,
    );
    const later = `${HEADER}\n\n5.1,3.5,1.4,0.2,"setosa"\n\n5.1,x,1.4,0.2,setosa\n`;
    assert.match(
      stageError(() => parseTable(later, "raw.csv", IRIS_LIKE)),
      /raw\.csv line 5, column sepal_width/,
    );
  });

  it("quotes at most a short excerpt of a huge bad value", () => {
    const text = `${HEADER}\n${"9".repeat(100_000)}x,3.5,1.4,0.2,setosa\n`;
    const message = stageError(() => parseTable(text, "raw.csv", IRIS_LIKE));
    assert.ok(message.length < 200, `${message.length} characters`);
  });
});

describe("loadRawTable (any CSV with a header)", () => {
  const PETS = [
    "name,colour,weight,kind,legs",
    "a,black,4.5,cat,4",
    "b,white,30,dog,4",
    "c,black,3.9,cat,4",
    "d,brown,25,dog,4",
    "e,white,0.02,bird,2",
    "f,brown,0.03,bird,2",
  ].join("\n");

  it("infers numeric and categorical features, the label by name wherever it stands, and sorted classes", () => {
    const raw = loadRawTable(PETS, "pets.csv", choice({ label: "kind", features: ["colour", "weight", "legs"] }));
    assert.deepEqual(raw.schema, {
      features: [
        { name: "colour", kind: "categorical", categories: ["black", "brown", "white"] },
        { name: "weight", kind: "numeric" },
        { name: "legs", kind: "numeric" },
      ],
      label: "kind",
      classes: ["bird", "cat", "dog"],
    });
    assert.deepEqual(rawRows(raw)[1], { features: [2, 30, 4], label: 2 });
  });

  it("takes every column but the label by default, and treats a listed column as categories", () => {
    const raw = loadRawTable(PETS, "pets.csv", choice({ label: "kind", categorical: ["legs"] }));
    assert.deepEqual(
      raw.schema.features.map((column) => [column.name, column.kind]),
      [
        ["name", "categorical"],
        ["colour", "categorical"],
        ["weight", "numeric"],
        ["legs", "categorical"],
      ],
    );
  });

  it("accepts a BOM, CRLF, quoted fields with commas and quotes, and integer class names", () => {
    const text = '\ufeffx,"the label"\r\n"1,5",2\r\n"say ""hi""",10\r\n"1,5",2\r\nz,10\r\n';
    const raw = loadRawTable(text, "q.csv", choice({ label: "the label" }));
    assert.deepEqual(raw.schema.classes, ["2", "10"]);
    assert.deepEqual(raw.schema.features, [
      { name: "x", kind: "categorical", categories: ['"1,5"'.slice(1, -1), 'say "hi"', "z"] },
    ]);
  });

  it("orders classes numerically when all are numbers, else by code unit", () => {
    assert.deepEqual(sortedClasses(["10", "9", "-1"]), ["-1", "9", "10"]);
    assert.deepEqual(sortedClasses(["b", "B", "a"]), ["B", "a", "b"]);
  });

  it("keeps the training split's categories; a test-only category is unseen and encodes one past the last", () => {
    const raw = loadRawTable(PETS, "pets.csv", choice({ label: "kind", features: ["colour"] }));
    const inTest = Uint8Array.from([0, 1, 0, 0, 0, 0]); // the only white dog goes to test... and one white bird stays
    const schema = trainingSchema(raw, Uint8Array.from([0, 0, 0, 0, 1, 0]));
    assert.deepEqual(schema.features[0], {
      name: "colour",
      kind: "categorical",
      categories: ["black", "brown", "white"],
    });
    const narrowed = trainingSchema(raw, Uint8Array.from([0, 1, 0, 0, 1, 0]));
    assert.deepEqual(narrowed.features[0], { name: "colour", kind: "categorical", categories: ["black", "brown"] });
    assert.equal(inTest.length, 6);
    const test = parseTable("colour,kind\nwhite,dog\nblack,cat\n", "test.csv", narrowed);
    assert.deepEqual(
      test.map((row) => row.features[0]),
      [2, 0],
    );
    assert.deepEqual(describeRow(narrowed, { features: [1], label: 0 }), { colour: "brown", kind: "bird" });
  });

  const refusals: Array<[string, string, Partial<DataChoice>, RegExp]> = [
    [
      "a label column that does not exist",
      PETS,
      { label: "species" },
      /^pets\.csv line 1: no column "species" for the label \(prepare\.label\); the columns are "name", "colour"/,
    ],
    [
      "a feature column that does not exist",
      PETS,
      { label: "kind", features: ["size"] },
      /^pets\.csv line 1: no column "size"/,
    ],
    ["a file with no feature columns", "kind\ncat\ndog\n", { label: "kind" }, /^pets\.csv line 1: no feature columns/],
    [
      "a single class",
      "w,kind\n1,cat\n2,cat\n",
      { label: "kind" },
      /^pets\.csv, column kind: every row has the class "cat"; a classifier needs at least two classes/,
    ],
    [
      "a missing value",
      "w,kind\n1,cat\nNA,dog\n",
      { label: "kind" },
      /^pets\.csv line 3, column w: missing value "NA" .*prepare\.missing: drop/,
    ],
    [
      "a missing label",
      "w,kind\n1,cat\n2,?\n",
      { label: "kind" },
      /^pets\.csv line 3, column kind: missing value "\?"/,
    ],
    [
      "a numeric column with a hexadecimal value",
      "w,kind\n1,cat\n2,dog\n\n0x10,cat\n4,dog\n",
      { label: "kind" },
      /^pets\.csv line 5, column w: "0x10" is not a decimal number, but 3 other values of the column are \(first "1"\); .*prepare\.categorical/,
    ],
    [
      "Infinity in a numeric column",
      "w,kind\n1,cat\nInfinity,dog\n",
      { label: "kind" },
      /^pets\.csv line 3, column w: "Infinity" is not a decimal number/,
    ],
    [
      "a duplicated column name",
      "w,w,kind\n1,2,cat\n",
      { label: "kind" },
      /^pets\.csv line 1: the column name "w" appears twice/,
    ],
  ];
  for (const [what, text, overrides, message] of refusals) {
    it(`refuses ${what} with one message`, () => {
      assert.match(
        stageError(() => loadRawTable(text, "pets.csv", choice(overrides))),
        message,
      );
    });
  }

  it("drops rows with missing values when asked, and counts them", () => {
    const text = "w,c,kind\n1,a,cat\nNA,b,dog\n3,,cat\n4,?,dog\n5,b,dog\n";
    const raw = loadRawTable(text, "pets.csv", choice({ label: "kind", missing: "drop" }));
    assert.equal(raw.rowCount, 2);
    assert.deepEqual(rawRows(raw), [
      { features: [1, 0], label: 0 },
      { features: [5, 1], label: 1 },
    ]);
  });

  it("refuses a class too small for the stratified split, naming it", () => {
    assert.match(
      stageError(() => checkSplittable(["cat", "dog"], [50, 2], 0.2, "pets.csv")),
      /^pets\.csv: the class "dog" has 2 rows, and prepare\.test_size = 0\.2 puts 0 of them in the test split/,
    );
    checkSplittable(["cat", "dog"], [50, 3], 0.2, "pets.csv");
  });
});

describe("featureRanges", () => {
  it("gives each feature's min and max", () => {
    const ranges = featureRanges(
      [
        { features: [1, 5], label: 0 },
        { features: [3, -2], label: 1 },
      ],
      2,
    );
    assert.deepEqual(ranges, [
      [1, 3],
      [-2, 5],
    ]);
  });
});
