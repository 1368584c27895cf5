/**
 * Writes a user-style CSV for the scale measurement: `rows` rows (default 1,000,000) of 15 numeric and 5
 * categorical feature columns and a string label column in the middle (4 classes), from a seeded rng, so
 * the file is the same on every machine. Not committed: write it outside git, e.g.
 *
 *   node --import tsx scripts/generate-wide-csv.ts /tmp/wide.csv 1000000
 *
 * and run the pipeline on a copy of it as data/raw/wide.csv with prepare.source: wide, prepare.label: label.
 * Each class shifts the means of some numeric columns and favours some categories, so a forest has
 * something to learn; ~5 % of labels are noise, so accuracy stays below 1.
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { round6 } from "../stages/core/format.ts";
import { createRng, randomInt } from "../stages/core/rng.ts";

const [path = "/tmp/wide.csv", rowsArgument = "1000000"] = process.argv.slice(2);
const rows = Number(rowsArgument);
const CLASSES = ["alpha", "beta", "gamma", "delta"];
const NUMERIC = 15;
const CATEGORIES = [
  ["red", "green", "blue"],
  ["north", "south", "east", "west"],
  ["s", "m", "l", "xl", "xxl"],
  Array.from({ length: 12 }, (_, i) => `month_${i + 1}`),
  ["yes", "no"],
];
const header = [
  ...Array.from({ length: 8 }, (_, i) => `x${i}`),
  "label",
  ...Array.from({ length: NUMERIC - 8 }, (_, i) => `x${i + 8}`),
  ...CATEGORIES.map((_, i) => `c${i}`),
];

const rng = createRng("wide-csv");
const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const out = createWriteStream(path);
out.write(`${header.join(",")}\n`);
for (let row = 0; row < rows; row++) {
  const label = randomInt(rng, CLASSES.length);
  const numbers = Array.from({ length: NUMERIC }, (_, i) => round6(normal() + (i % 4 === label ? 1.5 : 0) + i));
  const categories = CATEGORIES.map((values) =>
    rng() < 0.5 ? values[label % values.length] : values[randomInt(rng, values.length)],
  );
  const shown = rng() < 0.05 ? randomInt(rng, CLASSES.length) : label;
  const line = [...numbers.slice(0, 8), CLASSES[shown], ...numbers.slice(8), ...categories].join(",");
  if (!out.write(`${line}\n`)) await once(out, "drain");
}
out.end();
await once(out, "finish");
console.log(`${rows} rows x ${header.length} columns -> ${path}`);
