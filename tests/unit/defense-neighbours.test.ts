import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { knnDisagreement } from "../../stages/core/defense/knn-disagreement.ts";
import { nearestNeighbours } from "../../stages/core/defense/neighbours.ts";
import { flagTopShare, knnDistanceOutliers } from "../../stages/core/defense/outlier.ts";
import { standardize } from "../../stages/core/defense/standardize.ts";

// Two tight clusters of five points on a line, far apart: 0..4 near x=0, 5..9 near x=100.
const points = [[0], [1], [2], [3], [4], [100], [101], [102], [103], [104]];

describe("standardize", () => {
  it("gives every column mean 0 and standard deviation 1, and a constant column zeros", () => {
    const scaled = standardize([
      [1, 5],
      [2, 5],
      [3, 5],
    ]);
    const column = scaled.map((row) => row[0] as number);
    assert.ok(Math.abs(column.reduce((a, b) => a + b, 0)) < 1e-12);
    assert.ok(Math.abs(column.reduce((a, b) => a + b * b, 0) / 3 - 1) < 1e-12);
    assert.deepEqual(
      scaled.map((row) => row[1]),
      [0, 0, 0],
    );
  });

  it("makes distances independent of a feature's unit", () => {
    const metres = standardize([
      [1, 10],
      [2, 30],
      [3, 20],
    ]);
    const millimetres = standardize([
      [1000, 10],
      [2000, 30],
      [3000, 20],
    ]);
    for (const [i, row] of metres.entries()) {
      for (const [f, value] of row.entries()) assert.ok(Math.abs(value - (millimetres[i]?.[f] as number)) < 1e-12);
    }
  });
});

describe("nearestNeighbours", () => {
  it("lists the k nearest other rows, nearest first, never the row itself", () => {
    const near = nearestNeighbours(points, 2);
    assert.deepEqual(
      near[0]?.map((n) => n.index),
      [1, 2],
    );
    assert.deepEqual(
      near[7]?.map((n) => n.distance),
      [1, 1],
    );
    assert.deepEqual(
      near[7]?.map((n) => n.index),
      [6, 8],
      "equal distances: lower index first",
    );
  });

  it("returns at most n - 1 neighbours", () => {
    assert.equal(nearestNeighbours([[0], [1], [2]], 10)[0]?.length, 2);
  });
});

describe("knn label disagreement", () => {
  it("flags the one row whose label disagrees with its whole cluster", () => {
    const labels = [0, 0, 1, 0, 0, 1, 1, 1, 1, 1]; // row 2 sits among class-0 rows but says 1
    const { scores, flags } = knnDisagreement(labels, nearestNeighbours(points, 4), 0.5);
    assert.equal(scores[2], 1);
    assert.deepEqual(
      flags.flatMap((flag, i) => (flag ? [i] : [])),
      [2],
    );
    assert.equal(scores[0], 0.25, "row 0 has the impostor among its 4 neighbours");
  });

  it("flags only above the threshold: a tie of opinions is not a flag at 0.5", () => {
    const neighbours = [
      [
        { index: 1, distance: 1 },
        { index: 2, distance: 1 },
      ],
      [],
      [],
    ];
    assert.deepEqual(knnDisagreement([0, 0, 1], neighbours, 0.5).flags, [false, false, false]);
  });
});

describe("kNN-distance outliers", () => {
  it("scores the isolated row highest and flags round(contamination x n) rows", () => {
    const withOutlier = [...points, [50]];
    const { scores, flags } = knnDistanceOutliers(nearestNeighbours(withOutlier, 2), 0.1);
    const highest = scores.indexOf(Math.max(...scores));
    assert.equal(highest, 10);
    assert.deepEqual(
      flags.flatMap((flag, i) => (flag ? [i] : [])),
      [10],
    );
  });

  it("flags nothing at contamination 0", () => {
    assert.deepEqual(flagTopShare([3, 1, 2], 0), [false, false, false]);
  });

  it("breaks equal scores by the lower index", () => {
    assert.deepEqual(flagTopShare([1, 5, 5, 0], 0.25), [false, true, false, false]);
  });
});
