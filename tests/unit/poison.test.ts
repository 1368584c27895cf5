import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { featureRanges, type Row, type Schema } from "../../stages/core/dataset.ts";
import { stableJson } from "../../stages/core/format.ts";
import { manifestFile, parseManifestFile } from "../../stages/core/manifest-file.ts";
import {
  buildManifest,
  manifestPieces,
  manifestText,
  type PoisonMethod,
  poisonCount,
  poisonRows,
  RANDOM_ATTACKS,
} from "../../stages/core/poison.ts";
import { createRng } from "../../stages/core/rng.ts";
import { IRIS_SCHEMA } from "../support/iris.ts";

/** 40 rows per class with distinct features spread over a known range. */
const clean: Row[] = Array.from({ length: 120 }, (_, i) => ({
  features: [i / 10, 2 + (i % 7), 10 - i / 20, (i * 37) % 11],
  label: i % IRIS_SCHEMA.classes.length,
}));
const rates = [0, 0.05, 0.1, 0.5, 1];

describe("poisonCount", () => {
  it("is round(rate x n), halves rounded up", () => {
    assert.deepEqual(
      [0, 0.05, 0.1, 0.5, 1].map((rate) => poisonCount(120, rate)),
      [0, 6, 12, 60, 120],
    );
    assert.equal(poisonCount(30, 0.05), 2); // 1.5 rounds up
  });
});

describe("label_flip", () => {
  for (const rate of rates) {
    it(`at rate ${rate} changes exactly round(rate x n) labels, each to another class, features kept`, () => {
      const { rows, poisoned } = poisonRows(clean, { method: "label_flip", rate }, createRng(3), IRIS_SCHEMA);
      assert.equal(rows.length, clean.length);
      assert.equal(poisoned.length, poisonCount(clean.length, rate));
      const changed = rows.filter((row, i) => row.label !== clean[i]?.label);
      assert.equal(changed.length, poisoned.length);
      for (const { row, before, after } of poisoned) {
        assert.deepEqual(before, clean[row]);
        assert.deepEqual(after, rows[row]);
        assert.notEqual(after.label, before?.label);
        assert.deepEqual(after.features, before?.features);
      }
      assert.equal(
        new Set(poisoned.map((entry) => entry.row)).size,
        poisoned.length,
        "rows chosen without replacement",
      );
    });
  }

  it("spreads flips over both other classes", () => {
    const { poisoned } = poisonRows(clean, { method: "label_flip", rate: 1 }, createRng(3), IRIS_SCHEMA);
    const targets = new Set(poisoned.map(({ before, after }) => `${before?.label}->${after.label}`));
    assert.equal(targets.size, 6);
  });
});

describe("feature_noise", () => {
  const ranges = featureRanges(clean, 4);
  for (const rate of rates) {
    it(`at rate ${rate} rewrites exactly round(rate x n) rows within each feature's range, labels kept`, () => {
      const { rows, poisoned } = poisonRows(clean, { method: "feature_noise", rate }, createRng(4), IRIS_SCHEMA);
      assert.equal(rows.length, clean.length);
      assert.equal(poisoned.length, poisonCount(clean.length, rate));
      const changed = rows.filter((row, i) => row.features.join() !== clean[i]?.features.join());
      assert.equal(changed.length, poisoned.length);
      for (const row of rows) {
        row.features.forEach((value, f) => {
          const [low, high] = ranges[f] as [number, number];
          assert.ok(value >= low && value <= high, `feature ${f} = ${value} outside [${low}, ${high}]`);
        });
      }
      assert.deepEqual(
        rows.map((row) => row.label),
        clean.map((row) => row.label),
      );
    });
  }
});

describe("inject", () => {
  for (const rate of rates) {
    it(`at rate ${rate} appends round(rate x n) random rows and keeps the originals`, () => {
      const { rows, poisoned } = poisonRows(clean, { method: "inject", rate }, createRng(5), IRIS_SCHEMA);
      const count = poisonCount(clean.length, rate);
      assert.equal(rows.length, clean.length + count);
      assert.deepEqual(rows.slice(0, clean.length), clean);
      assert.deepEqual(
        poisoned.map((entry) => entry.row),
        Array.from({ length: count }, (_, i) => clean.length + i),
      );
      assert.ok(poisoned.every((entry) => entry.before === null));
      for (const { after } of poisoned) assert.ok(after.label >= 0 && after.label < IRIS_SCHEMA.classes.length);
    });
  }
});

describe("every method", () => {
  for (const method of RANDOM_ATTACKS) {
    it(`${method}: same seed gives the same output, another seed a different one, input untouched`, () => {
      const snapshot = JSON.stringify(clean);
      const spec = { method, rate: 0.1 };
      assert.deepEqual(
        poisonRows(clean, spec, createRng(9), IRIS_SCHEMA),
        poisonRows(clean, spec, createRng(9), IRIS_SCHEMA),
      );
      assert.notDeepEqual(
        poisonRows(clean, spec, createRng(9), IRIS_SCHEMA).rows,
        poisonRows(clean, spec, createRng(10), IRIS_SCHEMA).rows,
      );
      assert.equal(JSON.stringify(clean), snapshot);
    });
  }
});

describe("buildManifest", () => {
  it("records counts and each touched row before and after", () => {
    const result = poisonRows(clean, { method: "label_flip", rate: 0.05 }, createRng(1), IRIS_SCHEMA);
    const manifest = buildManifest(
      { method: "label_flip", rate: 0.05, seed: 1 },
      clean.length,
      result.poisoned,
      IRIS_SCHEMA,
    );
    assert.equal(manifest.rows_in, 120);
    assert.equal(manifest.rows_out, 120);
    assert.equal(manifest.rows_poisoned, 6);
    assert.equal(manifest.rows.length, 6);
    const first = manifest.rows[0];
    assert.ok(first);
    assert.equal(first.before?.species, IRIS_SCHEMA.classes[clean[first.row]?.label as number]);
  });
});

describe("the manifest file as later stages read it", () => {
  it("parses what buildManifest writes, and names the file when it is not a manifest", () => {
    const result = poisonRows(clean, { method: "inject", rate: 0.1 }, createRng(2), IRIS_SCHEMA);
    const written = JSON.parse(
      JSON.stringify(
        buildManifest({ method: "inject", rate: 0.1, seed: 2 }, clean.length, result.poisoned, IRIS_SCHEMA),
      ),
    );
    const read = parseManifestFile(written, "manifest.json", manifestFile);
    assert.deepEqual([read.rows_in, read.rows_out, read.rows_poisoned, read.rows.length], [120, 132, 12, 12]);
    assert.throws(
      () => parseManifestFile({ rows_in: 1 }, "data/poisoned/manifest.json", manifestFile),
      /StageError: data\/poisoned\/manifest\.json: not a poison manifest/,
    );
  });
});

describe("attacks on a schema with categorical features and other classes", () => {
  const schema: Schema = {
    features: [
      { name: "size", kind: "numeric" },
      { name: "colour", kind: "categorical", categories: ["blue", "green", "red"] },
    ],
    label: "kind",
    classes: ["a", "b", "c", "d", "e"],
  };
  const table: Row[] = Array.from({ length: 100 }, (_, i) => ({ features: [10 + (i % 10), i % 2], label: i % 5 }));

  it("feature_noise draws a categorical feature among the schema's categories, a numeric one within its range", () => {
    const { poisoned } = poisonRows(table, { method: "feature_noise", rate: 1 }, createRng(1), schema);
    const colours = new Set(poisoned.map(({ after }) => after.features[1]));
    assert.deepEqual([...colours].sort(), [0, 1, 2], "every category drawn, including one no row held");
    for (const { after } of poisoned) {
      assert.ok(Number.isInteger(after.features[1]));
      assert.ok((after.features[0] as number) >= 10 && (after.features[0] as number) <= 19);
    }
  });

  it("label_flip and inject draw among the data's classes", () => {
    const flipped = poisonRows(table, { method: "label_flip", rate: 1 }, createRng(2), schema).poisoned;
    assert.deepEqual([...new Set(flipped.map(({ after }) => after.label))].sort(), [0, 1, 2, 3, 4]);
    for (const { before, after } of flipped) assert.notEqual(after.label, before?.label);
    const injected = poisonRows(table, { method: "inject", rate: 0.5 }, createRng(3), schema).poisoned;
    assert.ok(injected.every(({ after }) => after.label >= 0 && after.label < 5));
  });

  it("the manifest names categories and classes", () => {
    const result = poisonRows(table, { method: "inject", rate: 0.02 }, createRng(4), schema);
    const manifest = buildManifest({ method: "inject", rate: 0.02, seed: 4 }, table.length, result.poisoned, schema);
    const after = manifest.rows[0]?.after ?? {};
    assert.ok(["blue", "green", "red"].includes(after.colour as string));
    assert.ok(["a", "b", "c", "d", "e"].includes(after.kind as string));
  });
});

describe("manifestText", () => {
  it("writes exactly what stableJson writes, for every attack", () => {
    for (const method of RANDOM_ATTACKS) {
      const result = poisonRows(clean, { method, rate: 0.2 }, createRng(6), IRIS_SCHEMA);
      const manifest = buildManifest({ method, rate: 0.2, seed: 6 }, clean.length, result.poisoned, IRIS_SCHEMA);
      assert.equal(manifestText(manifest), stableJson(manifest));
    }
  });

  it("comes in pieces as manifestPieces, for every attack and for none poisoned", () => {
    for (const [method, rate] of [
      ...RANDOM_ATTACKS.map((m): [PoisonMethod, number] => [m, 0.2]),
      ["label_flip", 0],
    ] as const) {
      const result = poisonRows(clean, { method, rate }, createRng(6), IRIS_SCHEMA);
      const spec = { method, rate, seed: 6 };
      const whole = manifestText(buildManifest(spec, clean.length, result.poisoned, IRIS_SCHEMA));
      assert.equal([...manifestPieces(spec, clean.length, result.poisoned, IRIS_SCHEMA)].join(""), whole);
    }
  });
});
