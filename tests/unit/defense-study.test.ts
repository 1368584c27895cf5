import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bestDefenses, defenseTable, defenseVerdict } from "../../stages/core/report/defense-section.ts";
import { runDefenseStudy, STUDY_DEFENSES } from "../../stages/core/study/defenses.ts";
import { runDegradation } from "../../stages/core/study/degradation.ts";
import { IRIS } from "../support/iris.ts";
import { nearestCentroid } from "../support/nearest-centroid.ts";

const train = (rows: Parameters<typeof nearestCentroid>[0]) => nearestCentroid(rows);
const spec = {
  seed: 5,
  repeats: 3,
  test_size: 0.2,
  methods: ["label_flip"] as const,
  rates: [0.3],
  detector: { folds: 3, k: 5, outlier_k: 3, knn_threshold: 0.5 },
};

describe("runDefenseStudy", () => {
  const cells = runDefenseStudy(IRIS, spec, { plain: train, regularised: train });

  it("has every defense for every attack and rate, over every repeat", () => {
    assert.deepEqual(
      cells.map((cell) => cell.defense),
      STUDY_DEFENSES.map((variant) => variant.name),
    );
    for (const cell of cells) assert.equal(cell.accuracy.n, 3);
  });

  it("scores detection only for defenses that remove rows", () => {
    const byName = new Map(cells.map((cell) => [cell.defense, cell]));
    assert.equal(byName.get("none")?.recall, null);
    assert.equal(byName.get("regularised")?.recall, null);
    assert.ok((byName.get("knn")?.recall?.mean ?? 0) > 0.5, "kNN disagreement finds most of 30 % flipped labels");
  });

  it("reproduces the degradation study's cell when nothing is removed (same seeds)", () => {
    const [degraded] = runDegradation(IRIS, { ...spec, methods: ["label_flip"], rates: [0.3] }, train);
    assert.deepEqual(cells[0]?.accuracy, degraded?.accuracy);
  });

  it("feeds a report table and a best-defense reading with verdicts from the intervals", () => {
    const table = defenseTable(cells);
    assert.equal(table.split("\n").length, 2 + STUDY_DEFENSES.length);
    const none = cells[0];
    assert.ok(none);
    assert.equal(defenseVerdict(none, none), "baseline");
    const clean = { ...none, method: "label_flip", rate: 0 } as never;
    assert.match(bestDefenses(cells, [clean]), /^- label_flip at 30 %: undefended /);
  });
});
