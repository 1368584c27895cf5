import type { DefenseCell } from "../study/defenses.ts";
import type { DegradationCell } from "../study/degradation.ts";
import { intervalsExclude, type Summary } from "../study/statistics.ts";
import { fixed, markdownTable, percent, withInterval } from "./numbers.ts";

const meanOrDash = (summary: Summary | null, digits = 3): string =>
  summary === null ? "–" : fixed(summary.mean, digits);

/** Against the undefended forest on the same data: the only place the report calls a defense's effect significant. */
export function defenseVerdict(cell: DefenseCell, none: DefenseCell): string {
  if (cell.defense === "none") return "baseline";
  if (!intervalsExclude(cell.accuracy, none.accuracy)) return "within noise";
  return cell.accuracy.mean > none.accuracy.mean ? "significant gain" : "significant loss";
}

function noneOf(cells: readonly DefenseCell[], cell: DefenseCell): DefenseCell {
  const none = cells.find((c) => c.method === cell.method && c.rate === cell.rate && c.defense === "none");
  if (!none) throw new Error(`defense results have no "none" row for ${cell.method} at ${cell.rate}`);
  return none;
}

/** Detection against the manifest and the accuracy each defense wins back, per attack and rate. */
export function defenseTable(cells: readonly DefenseCell[]): string {
  const rows = cells.map((cell) => {
    const none = noneOf(cells, cell);
    return [
      cell.method,
      percent(cell.rate),
      cell.defense,
      meanOrDash(cell.precision),
      meanOrDash(cell.recall),
      meanOrDash(cell.f1),
      meanOrDash(cell.auroc),
      meanOrDash(cell.removed, 1),
      withInterval(cell.accuracy),
      cell.defense === "none"
        ? ""
        : `${cell.accuracy.mean >= none.accuracy.mean ? "+" : ""}${fixed(cell.accuracy.mean - none.accuracy.mean)}`,
      defenseVerdict(cell, none),
    ];
  });
  return markdownTable(
    [
      "attack",
      "rate",
      "defense",
      "precision",
      "recall",
      "F1",
      "AUROC",
      "rows removed",
      "clean-test accuracy [95 % CI]",
      "vs none",
      "verdict",
    ],
    rows,
  );
}

/**
 * One line per attack and rate: the defense with the highest mean accuracy, what it wins back of the accuracy
 * the poison cost (against the clean cell of the degradation study), and whether that beats the noise.
 */
export function bestDefenses(cells: readonly DefenseCell[], degradation: readonly DegradationCell[]): string {
  const keys = [...new Map(cells.map((cell) => [`${cell.method}@${cell.rate}`, cell])).values()];
  return keys
    .map(({ method, rate }) => {
      const group = cells.filter((cell) => cell.method === method && cell.rate === rate);
      const none = noneOf(cells, group[0] as DefenseCell);
      const best = group.reduce((top, cell) => (cell.accuracy.mean > top.accuracy.mean ? cell : top));
      const clean = degradation.find((cell) => cell.method === method && cell.rate === 0);
      const lost = clean ? clean.accuracy.mean - none.accuracy.mean : Number.NaN;
      const won = best.accuracy.mean - none.accuracy.mean;
      const share =
        lost > 0 && best.defense !== "none"
          ? `, ${percent(Math.min(won / lost, 1))} of the ${fixed(lost)} the poison cost`
          : "";
      const words =
        best.defense === "none"
          ? "no defense beats the undefended forest"
          : `best: **${best.defense}**, ${withInterval(best.accuracy)} (${defenseVerdict(best, none)}${share})`;
      return `- ${method} at ${percent(rate)}: undefended ${withInterval(none.accuracy)}; ${words}.`;
    })
    .join("\n");
}

/** The defense section: fixed advice, then the measured table and its reading. */
export function defenseSection(
  cells: readonly DefenseCell[],
  degradation: readonly DegradationCell[],
  repeats: number,
  leaf: number,
): string {
  return `How to defend a training pipeline against poisoned data, in the order that pays:

1. **Provenance and access control.** Know where every row came from, version it (that is what DVC does here), and
   review changes to training data like code. Most poisoning needs write access to the data.
2. **Validate before training.** Schema and range checks (the prepare stage's) stop malformed rows; they do not
   stop a plausible row with a wrong label.
3. **Sanitize with detectors scored against ground truth.** Below: out-of-fold confident learning (\`label\`),
   neighbour label disagreement (\`knn\`), a kNN-distance outlier score (\`outlier\`, given the true contamination),
   their union (\`combined\`: label + outlier), all run by the \`sanitize\` stage as \`defense.method\`.
4. **Regularise the model.** Leaves of at least ${leaf} rows (\`min_samples_leaf\`) stop the forest from
   memorising single flipped rows (\`regularised\`); combined with the label check (\`label + regularised\`), the
   check's out-of-fold forests are regularised too.
5. **Measure on clean, trusted test data**, over many seeds, as this report does: a poisoned test set hides the damage.

Measured over ${repeats} repeats with the degradation study's splits and poisonings (so "none" equals its figures).
Detection is scored against the poison manifest; "vs none" and the verdict compare clean-test accuracy with the
undefended forest on the same data (significant only where the 95 % intervals exclude each other).

${bestDefenses(cells, degradation)}

${defenseTable(cells)}`;
}
