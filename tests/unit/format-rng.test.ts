import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { round6, stableJson } from "../../stages/core/format.ts";
import { createRng, deriveSeed, randomInt, sampleIndices, shuffled, subSeed } from "../../stages/core/rng.ts";

describe("round6 and stableJson", () => {
  it("round to 6 decimals and print -0 as 0", () => {
    assert.equal(round6(0.1 + 0.2), 0.3);
    assert.equal(round6(2 / 3), 0.666667);
    assert.equal(Object.is(round6(-0.0000001), 0), true);
  });

  it("round nested numbers, keep key order, end with a newline", () => {
    assert.equal(
      stableJson({ b: 1 / 3, a: [0.1 + 0.2, { c: 1e-9 }] }),
      '{\n  "b": 0.333333,\n  "a": [\n    0.3,\n    {\n      "c": 0\n    }\n  ]\n}\n',
    );
  });
});

describe("subSeed and deriveSeed", () => {
  it("name a stream by a path under the seed, as the committed results were drawn", () => {
    assert.equal(subSeed(7, "test"), "7/test");
    assert.equal(subSeed(42, "tree", 3), "42/tree/3");
    assert.deepEqual(
      Array.from({ length: 3 }, createRng(subSeed(7, "test"))),
      Array.from({ length: 3 }, createRng("7/test")),
    );
    // Pinned: every study seed comes from this derivation, so changing it changes every committed figure.
    assert.equal(deriveSeed(42, "split", 3), 309921551);
  });
});

describe("rng", () => {
  it("repeats a sequence for a seed and differs between seeds", () => {
    const draw = (seed: number | string) => Array.from({ length: 5 }, createRng(seed));
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
    assert.notDeepEqual(draw("7"), draw("7/test"));
  });

  it("randomInt stays in [0, n) and reaches every value", () => {
    const rng = createRng(3);
    const seen = new Set(Array.from({ length: 200 }, () => randomInt(rng, 4)));
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  });

  it("shuffled is a permutation and sampleIndices draws distinct sorted indices", () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    assert.deepEqual(
      shuffled(createRng(1), items).sort((a, b) => a - b),
      items,
    );
    const sample = sampleIndices(createRng(1), 20, 8);
    assert.equal(new Set(sample).size, 8);
    assert.deepEqual(
      sample,
      [...sample].sort((a, b) => a - b),
    );
    assert.ok(sample.every((i) => i >= 0 && i < 20));
  });
});
