import {
  ACROSS_DEFENSES,
  ACROSS_METHOD,
  type AcrossDefenses,
  type AcrossResults,
  bestDefense,
} from "../study/across.ts";
import type { DefenseCell } from "../study/defenses.ts";
import { intervalsExclude } from "../study/statistics.ts";
import { degradationTable } from "./degradation-section.ts";
import { fixed, markdownTable, percent, withInterval } from "./numbers.ts";

/** The report heading of this section; the README links to its anchor. */
export const ACROSS_HEADING = "5. Across data sets";

/** "label 0.950 [0.93, 0.97], +0.020 over none (significant)": the best defense at a rate, or a dash. */
function bestDefenseText(cells: readonly DefenseCell[], rate: number): string {
  const best = bestDefense(cells, rate);
  const none = cells.find((cell) => cell.method === ACROSS_METHOD && cell.rate === rate && cell.defense === "none");
  if (best === null || none === undefined) return "not measured";
  if (best.defense === "none") return `none: no defense beats ${fixed(none.accuracy.mean)}`;
  const gain = best.accuracy.mean - none.accuracy.mean;
  const beyond = intervalsExclude(best.accuracy, none.accuracy) ? "significant" : "within noise";
  return `${best.defense}: ${withInterval(best.accuracy)}, ${gain >= 0 ? "+" : ""}${fixed(gain)} over none (${beyond})`;
}

/** One row per data set: label_flip accuracy at each rate with intervals, then the best defense per defense rate. */
export function acrossSummaryTable(study: AcrossResults, defenses: AcrossDefenses, defenseRates: readonly number[]) {
  const names = Object.keys(study.datasets);
  const rates = [...new Set(names.flatMap((name) => study.datasets[name]?.degradation.map((cell) => cell.rate) ?? []))];
  const rows = names.map((name) => {
    const data = study.datasets[name];
    const accuracyAt = (rate: number) => {
      const cell = data?.degradation.find((item) => item.rate === rate);
      return cell ? withInterval(cell.accuracy) : "";
    };
    return [
      name,
      data ? `${data.train_rows} / ${data.test_rows}` : "",
      String(data?.class_count ?? ""),
      ...rates.map(accuracyAt),
      ...defenseRates.map((rate) => bestDefenseText(defenses.datasets[name] ?? [], rate)),
    ];
  });
  return markdownTable(
    [
      "data set",
      "train / test rows",
      "classes",
      ...rates.map((rate) => `${percent(rate)} flipped`),
      ...defenseRates.map((rate) => `best defense at ${percent(rate)}`),
    ],
    rows,
  );
}

/** Clean-test accuracy of every defense at one rate, one column per data set. */
function defenseTable(defenses: AcrossDefenses, rate: number): string {
  const names = Object.keys(defenses.datasets);
  const rows = ACROSS_DEFENSES.map((variant) => [
    variant.name,
    ...names.map((name) => {
      const cell = defenses.datasets[name]?.find((item) => item.rate === rate && item.defense === variant.name);
      return cell ? withInterval(cell.accuracy) : "";
    }),
  ]);
  return markdownTable(["defense", ...names], rows);
}

/** The section on the study across data sets: the summary, then each data set's degradation and defense tables. */
export function acrossSection(
  study: AcrossResults,
  defenses: AcrossDefenses,
  defenseRates: readonly number[],
  chartFile: string,
): string {
  const perDataSet = Object.entries(study.datasets)
    .map(
      ([name, data]) =>
        `#### ${name}\n\n${data.train_rows} train / ${data.test_rows} test rows, ${data.class_count} classes.\n\n${degradationTable(data.degradation, { repeats: study.repeats, ...data })}`,
    )
    .join("\n\n");
  const perRate = defenseRates
    .map((rate) => `Clean-test accuracy [95 % CI] at ${percent(rate)} label_flip:\n\n${defenseTable(defenses, rate)}`)
    .join("\n\n");
  return `The original's attack, label_flip, on each data set in \`study.datasets\` with the study's seeds: ${study.repeats}
repeats, each a fresh stratified split of that data set (\`study.test_size\` of each class held out) and a fresh
poisoning, drawn as in section 2, so IRIS's cells here equal its label_flip cells there. The defenses run over ${defenses.repeats} repeats
(\`study.across.defense_repeats\`, fewer than the study's to keep the forced repro within minutes: the label check fits
5 out-of-fold forests per poisoned data set) and without "label + regularised". Best defense: the highest mean
clean-test accuracy; "significant" only where its interval excludes no defense's.

${acrossSummaryTable(study, defenses, defenseRates)}

Rows needed per rate come from learning curves, measured on IRIS and the synthetic IRIS-like source only (section 3):
curves on the other data sets would multiply the study's forests by the number of sizes and do not fit the time budget.

![label_flip accuracy against poison rate, per data set](${chartFile})

### Degradation per data set

${perDataSet}

### Defenses per data set

${perRate}`;
}
