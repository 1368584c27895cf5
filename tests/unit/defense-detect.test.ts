import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pipelineForest } from "../../stages/core/classifier.ts";
import type { Row } from "../../stages/core/dataset.ts";
import { combine, detect, keptRows } from "../../stages/core/defense/detect.ts";
import { detectorsOf } from "../../stages/core/defense/methods.ts";
import { parseManifestRows, sanitizeMetrics } from "../../stages/core/defense/sanitize-outputs.ts";
import { StageError } from "../../stages/core/errors.ts";
import { type DefenseParams, defenseParams, parseSection } from "../../stages/core/params.ts";
import { createRng } from "../../stages/core/rng.ts";
import { IRIS_SCHEMA } from "../support/iris.ts";
import { nearestCentroid } from "../support/nearest-centroid.ts";

const DEFAULTS: DefenseParams = {
  method: "none",
  folds: 5,
  k: 5,
  outlier_k: 3,
  knn_threshold: 0.5,
  contamination: 0.05,
  seed: 1,
};

/**
 * Three well-separated clusters of 20 rows (class = cluster) on a jittered grid; rows 3 and 25 get a wrong
 * label, and row 59 is moved far out beyond its own cluster (an outlier whose label is still the nearest cluster's).
 */
function constructed(): { rows: Row[]; flipped: number[]; outlier: number } {
  const rows: Row[] = Array.from({ length: 60 }, (_, i) => {
    const label = Math.floor(i / 20);
    const j = i % 20;
    return {
      features: [
        label * 10 + (j % 5) * 0.3,
        label * 10 + Math.floor(j / 5) * 0.3,
        1 + (j % 3) * 0.1,
        2 + (j % 4) * 0.1,
      ],
      label,
    };
  });
  (rows[3] as Row).label = 1;
  (rows[25] as Row).label = 2;
  (rows[59] as Row).features = [35, 35, 9, -9];
  return { rows, flipped: [3, 25], outlier: 59 };
}

const flagged = (flags: readonly boolean[]): number[] => flags.flatMap((flag, i) => (flag ? [i] : []));

describe("detect", () => {
  const { rows, flipped, outlier } = constructed();

  it("with method none flags nothing and keeps every row", () => {
    const detection = detect(rows, DEFAULTS, createRng(1), nearestCentroid);
    assert.deepEqual(flagged(detection.flags), []);
    assert.equal(keptRows(rows, detection.flags).length, rows.length);
  });

  it("label: out-of-fold confident learning finds the flipped labels (nearest-centroid model)", () => {
    const detection = detect(rows, { ...DEFAULTS, method: "label" }, createRng(1), nearestCentroid);
    assert.deepEqual(flagged(detection.flags), flipped);
    assert.equal(detection.suggested?.[3], 0);
  });

  it("label: the same with the pipeline's own forest", () => {
    const forest = pipelineForest(
      {
        engine: "poisonlab-forest",
        n_estimators: 15,
        max_features: null,
        max_depth: null,
        min_samples_split: 2,
        min_samples_leaf: 1,
        seed: 5,
      },
      IRIS_SCHEMA,
    );
    const detection = detect(rows, { ...DEFAULTS, method: "label" }, createRng(1), forest);
    assert.deepEqual(flagged(detection.flags), flipped);
  });

  it("knn: the flipped rows disagree with all their neighbours", () => {
    const detection = detect(rows, { ...DEFAULTS, method: "knn" }, createRng(1), nearestCentroid);
    assert.deepEqual(flagged(detection.flags), flipped);
  });

  it("outlier: the far row scores highest and is the one flagged at contamination 1/60", () => {
    const detection = detect(
      rows,
      { ...DEFAULTS, method: "outlier", contamination: 1 / 60 },
      createRng(1),
      nearestCentroid,
    );
    assert.deepEqual(flagged(detection.flags), [outlier]);
  });

  it("combined: the union of the label check and the outlier score", () => {
    const detection = detect(
      rows,
      { ...DEFAULTS, method: "combined", contamination: 1 / 60 },
      createRng(1),
      nearestCentroid,
    );
    assert.deepEqual(detection.detectors, ["label", "outlier"]);
    assert.deepEqual(flagged(detection.flags), [...flipped, outlier]);
  });

  it("stops with a message naming defense.folds when there are fewer rows than folds", () => {
    assert.throws(
      () => detect(rows.slice(0, 3), { ...DEFAULTS, method: "label" }, createRng(1), nearestCentroid),
      /defense\.folds = 5 needs/,
    );
  });

  it("refuses to remove every row", () => {
    assert.throws(() => keptRows(rows.slice(0, 2), [true, true]), StageError);
  });

  it("is reproducible: same params and seed, same result", () => {
    const params: DefenseParams = { ...DEFAULTS, method: ["label", "knn", "outlier"] };
    assert.deepEqual(
      detect(rows, params, createRng(7), nearestCentroid),
      detect(rows, params, createRng(7), nearestCentroid),
    );
  });
});

describe("combine", () => {
  it("takes the union of flags and the highest rank-scaled score", () => {
    const result = combine(
      [
        { scores: [0.1, 0.5, 0.9], flags: [false, false, true] },
        { scores: [30, 10, 20], flags: [true, false, false] },
      ],
      3,
    );
    assert.deepEqual(result.flags, [true, false, true]);
    assert.deepEqual(result.scores, [1, 0.5, 1]);
  });
});

describe("defense methods and params", () => {
  it("maps each method to its detectors", () => {
    assert.deepEqual(detectorsOf("none"), []);
    assert.deepEqual(detectorsOf("combined"), ["label", "outlier"]);
    assert.deepEqual(detectorsOf(["outlier", "knn"]), ["knn", "outlier"]);
  });

  it("rejects an unknown method, naming the key and the value", () => {
    const document = { defense: { ...DEFAULTS, method: "magic" } };
    assert.throws(
      () => parseSection(document, "defense", defenseParams, "params.yaml"),
      (error: Error) => {
        assert.ok(error instanceof StageError);
        assert.match(error.message, /defense\.method = "magic"/);
        return true;
      },
    );
  });

  it("accepts a list of detectors", () => {
    const document = { defense: { ...DEFAULTS, method: ["label", "knn"] } };
    assert.deepEqual(parseSection(document, "defense", defenseParams, "params.yaml").method, ["label", "knn"]);
  });
});

describe("sanitize report", () => {
  it("checks the manifest against the table", () => {
    assert.throws(
      () => parseManifestRows({ rows_out: 5, rows: [] }, 6, "m.json"),
      /rows_out = 5, but the poisoned table has 6 rows/,
    );
    assert.throws(() => parseManifestRows({ rows_out: 6, rows: [{ row: 6 }] }, 6, "m.json"), /row 6 is outside/);
    assert.throws(
      () => parseManifestRows({ rows_out: 6, rows: [{ row: 2 }, { row: 2 }] }, 6, "m.json"),
      /m\.json: row 2 is listed twice/,
    );
  });

  it("scores the detection overall and per detector", () => {
    const { rows, flipped } = constructed();
    const params: DefenseParams = { ...DEFAULTS, method: ["label", "knn"] };
    const detection = detect(rows, params, createRng(1), nearestCentroid);
    const manifest = parseManifestRows({ rows_out: 60, rows: flipped.map((row) => ({ row })) }, 60, "m.json");
    const metrics = sanitizeMetrics(params, detection, manifest);
    assert.equal(metrics.method, "label+knn");
    assert.deepEqual([metrics.precision, metrics.recall, metrics.removed, metrics.rows_kept], [1, 1, 2, 58]);
    assert.deepEqual(Object.keys(metrics.detectors), ["label", "knn"]);
  });

  it("gives no AUROC for method none: without a detector there is no score", () => {
    const { rows, flipped } = constructed();
    const detection = detect(rows, DEFAULTS, createRng(1), nearestCentroid);
    const manifest = parseManifestRows({ rows_out: 60, rows: flipped.map((row) => ({ row })) }, 60, "m.json");
    const metrics = sanitizeMetrics(DEFAULTS, detection, manifest);
    assert.deepEqual([metrics.method, metrics.removed, metrics.recall, metrics.auroc], ["none", 0, 0, null]);
  });
});
