import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { csvField, csvLine, isTrimmable, plainFields } from "../../stages/core/csv-lines.ts";
import { CSV_OPTIONS } from "../../stages/core/csv-text.ts";
import { round6, round6Text } from "../../stages/core/format.ts";
import { createRng, type Rng, randomInt } from "../../stages/core/rng.ts";
import { decimalValue, isDecimal } from "../../stages/core/values.ts";
import { streamRecords } from "../../stages/shell/csv-stream.ts";
import { scanCsvFile } from "../../stages/shell/plain-records.ts";

// Properties against the libraries the fast paths stand in for: csv-stringify's bytes, csv-parse's records,
// String(round6(x))'s digits, over many random values built from the characters that matter.

const PIECES = [
  "a",
  "Z",
  "1",
  "-",
  ".",
  "e",
  " ",
  "\t",
  ",",
  '"',
  "\r",
  "\n",
  "é",
  "中",
  "😀",
  "\u00a0",
  "\ufeff",
  "0",
];
const PLAIN_PIECES = PIECES.filter((piece) => piece !== '"' && piece !== "\r" && piece !== "\n");

function randomText(rng: Rng, pieces: readonly string[], maxLength = 6): string {
  return Array.from({ length: randomInt(rng, maxLength + 1) }, () => pieces[randomInt(rng, pieces.length)]).join("");
}

function randomDouble(rng: Rng): number {
  const scale = 10 ** (randomInt(rng, 24) - 12);
  const value = (rng() - 0.5) * scale;
  switch (randomInt(rng, 4)) {
    case 0:
      return Math.round(value);
    case 1:
      return Number(value.toFixed(randomInt(rng, 8)));
    default:
      return value;
  }
}

describe("csvLine", () => {
  it("writes exactly csv-stringify's bytes for any fields", () => {
    const rng = createRng("csv-line");
    for (let i = 0; i < 20_000; i++) {
      const fields = Array.from({ length: 1 + randomInt(rng, 5) }, () =>
        rng() < 0.2 ? String(randomDouble(rng)) : randomText(rng, PIECES),
      );
      assert.equal(csvLine(fields), stringify([fields]), JSON.stringify(fields));
    }
    assert.equal(csvField(""), "");
    assert.equal(csvField('say "hi", then go'), '"say ""hi"", then go"');
  });
});

describe("round6Text", () => {
  it("is String(round6(x)) for any number", () => {
    const rng = createRng("round6-text");
    const special = [
      0,
      -0,
      1e-7,
      -1e-7,
      5e-7,
      -5e-7,
      1e-6,
      0.1 + 0.2,
      999999999.9999995,
      1e9,
      -1e9,
      1e21,
      1e300,
      -1e-300,
    ];
    for (const value of special) assert.equal(round6Text(value), String(round6(value)), String(value));
    for (let i = 0; i < 200_000; i++) {
      const value = randomDouble(rng);
      assert.equal(round6Text(value), String(round6(value)), String(value));
    }
  });
});

describe("isDecimal", () => {
  it("agrees with decimalValue, the conversion it skips for short numbers", () => {
    const rng = createRng("is-decimal");
    const pieces = ["1", "9", "0", ".", "-", "+", "e", "E", "x", "5", "3"];
    const cases = [
      "1e308",
      "1e309",
      "-1e400",
      "9".repeat(308),
      "9".repeat(309),
      `${"9".repeat(400)}.5`,
      ".5",
      "5.",
      "",
    ];
    for (let i = 0; i < 50_000; i++) cases.push(randomText(rng, pieces, 8));
    for (const value of cases) assert.equal(isDecimal(value), !Number.isNaN(decimalValue(value)), value);
  });
});

describe("plain CSV lines", () => {
  it("trims the characters csv-parse trims, and no others", () => {
    const codes = Array.from({ length: 0x10000 }, (_, code) => code).filter(
      (code) => !['"', ",", "\r", "\n"].includes(String.fromCharCode(code)),
    );
    // One parse of one line per code unit: `x` then the code unit, which trimming removes or keeps.
    const records = parse(codes.map((code) => `x${String.fromCharCode(code)}`).join("\n"), CSV_OPTIONS) as string[][];
    assert.equal(records.length, codes.length);
    for (const [i, code] of codes.entries()) {
      assert.equal(isTrimmable(code), records[i]?.[0] === "x", `U+${code.toString(16)}`);
    }
  });

  it("splits a line as csv-parse does, or leaves it to csv-parse", () => {
    const rng = createRng("plain-fields");
    for (let i = 0; i < 20_000; i++) {
      const line = randomText(rng, PLAIN_PIECES, 12);
      const fields = plainFields(line);
      if (fields !== null) assert.deepEqual([fields], parse(line, CSV_OPTIONS), JSON.stringify(line));
    }
    assert.equal(plainFields(" a,b"), null);
    assert.deepEqual(plainFields("a b,,c"), ["a b", "", "c"]);
  });
});

describe("streamRecords on plain and other files", () => {
  const folder = mkdtempSync(join(tmpdir(), "poisonlab-csv-lines-"));
  after(() => rmSync(folder, { recursive: true, force: true }));

  async function records(path: string): Promise<string[][]> {
    const read: string[][] = [];
    await streamRecords(path, (fields, index) => {
      assert.equal(index, read.length);
      read.push(fields);
    });
    return read;
  }

  it("gives csv-parse's records for random files, plain or not", async () => {
    const rng = createRng("plain-files");
    let plain = 0;
    for (let i = 0; i < 300; i++) {
      const pieces = rng() < 0.6 ? PLAIN_PIECES : PIECES;
      const lines = Array.from({ length: randomInt(rng, 30) }, () => randomText(rng, pieces, 10));
      const bom = rng() < 0.2 ? "\ufeff" : "";
      const text = `${bom}${lines.join("\n")}${rng() < 0.5 ? "\n" : ""}`;
      const path = join(folder, `file-${i}.csv`);
      writeFileSync(path, text);
      const scan = await scanCsvFile(path);
      if (scan.plain) plain++;
      let expected: string[][];
      try {
        expected = parse(text, CSV_OPTIONS) as string[][];
      } catch {
        continue; // a syntax error: its message is the bad-input tests' subject
      }
      assert.deepEqual(await records(path), expected, JSON.stringify(text));
      assert.ok(scan.lines >= expected.length, "the scan's lines bound the records");
      if (scan.plain && !/\n[\s\ufeff]*\n/.test(`\n${text}\n`))
        assert.equal(scan.lines, expected.length, JSON.stringify(text));
    }
    assert.ok(plain > 100, `${plain} plain files`);
  });

  it("reads lines longer than a read block, and invalid UTF-8 through csv-parse", async () => {
    const long = `${"x".repeat(3 << 20)},y`;
    writeFileSync(join(folder, "long.csv"), `a,b\n${long}\nc,d`);
    assert.deepEqual(await records(join(folder, "long.csv")), [["a", "b"], long.split(","), ["c", "d"]]);
    const invalid = Buffer.from([0x61, 0x2c, 0xe2, 0x82, 0x0a, 0x62, 0x2c, 0xff, 0x0a]);
    writeFileSync(join(folder, "invalid.csv"), invalid);
    assert.equal((await scanCsvFile(join(folder, "invalid.csv"))).plain, false);
    assert.deepEqual(await records(join(folder, "invalid.csv")), parse(invalid, CSV_OPTIONS));
  });
});
