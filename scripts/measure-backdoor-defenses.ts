// npm run measure:backdoor-defenses: do the sanitize stage's detectors catch a backdoor whose trigger is in range?
// Per data set and detector, over 10 seeds: the share of backdoor rows flagged (recall) and the attack success
// rate of a forest trained on the rows kept, beside no defense. A measurement, not a test.
//   node --import tsx scripts/measure-backdoor-defenses.ts [--seeds 10] [--rate 0.05] [--datasets iris,wine,breast_cancer]
// Trigger, splits and forest as in measure:attacks; the detectors' knobs from params.yaml's defense section, with
// the outlier detector told the true contamination (the backdoor rate).
import { parseArgs } from "node:util";
import { attackSuccessRate } from "../stages/core/attacks/backdoor.ts";
import { attackOptions } from "../stages/core/attacks/resolve-options.ts";
import { trainClassifier } from "../stages/core/classifier.ts";
import { dataChoice, rawFile } from "../stages/core/data-source.ts";
import { detect, keptRows } from "../stages/core/defense/detect.ts";
import type { Detector } from "../stages/core/defense/methods.ts";
import { defenseParams, poisonParams } from "../stages/core/params.ts";
import { poisonRows, rowsTable } from "../stages/core/poison.ts";
import { loadDataset } from "../stages/core/raw-table.ts";
import { createRng, deriveSeed } from "../stages/core/rng.ts";
import { stratifiedSplit } from "../stages/core/split.ts";
import { readText } from "../stages/shell/files.ts";
import { loadParams } from "../stages/shell/params-file.ts";

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "10" },
    rate: { type: "string", default: "0.05" },
    datasets: { type: "string", default: "iris,wine,breast_cancer" },
  },
});
const poison = loadParams("poison", poisonParams);
const defense = loadParams("defense", defenseParams);
const rate = Number(args.rate);
const DEFENSES: Array<Detector | "none"> = ["none", "label", "knn", "outlier"];
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const forestFor = (seed: number) =>
  ({
    engine: "poisonlab-forest",
    n_estimators: 100,
    max_features: "sqrt",
    max_depth: null,
    min_samples_split: 2,
    min_samples_leaf: 1,
    seed,
  }) as const;

console.log(
  `backdoor at ${rate * 100} %, ${args.seeds} seeds: recall of the backdoor rows / attack success rate after sanitize\n`,
);
console.log(`| data set | ${DEFENSES.join(" | ")} |\n| --- |${DEFENSES.map(() => " --- |").join("")}`);
for (const name of args.datasets.split(",")) {
  const data = loadDataset(readText(rawFile(name)), rawFile(name), dataChoice({ source: name }));
  const cells = DEFENSES.map((method) => {
    const runs = Array.from({ length: Number(args.seeds) }, (_, seed) => {
      const { train, test } = stratifiedSplit(data.rows, 0.2, createRng(deriveSeed(seed, "split")));
      const params = { ...poison, method: "backdoor" as const, rate, seed };
      const options = attackOptions(params, data.schema, rowsTable(train, data.schema.features.length));
      const { rows, poisoned } = poisonRows(
        train,
        { method: "backdoor", rate, options },
        createRng(deriveSeed(seed, "poison")),
        data.schema,
      );
      const flags =
        method === "none"
          ? rows.map(() => false)
          : detect(
              rows,
              { ...defense, method: [method], contamination: rate, seed },
              createRng(deriveSeed(seed, "folds")),
              (part) => trainClassifier(part, forestFor(deriveSeed(seed, "label")), data.schema),
            ).flags;
      const recall = poisoned.filter(({ row }) => flags[row]).length / Math.max(1, poisoned.length);
      const model = trainClassifier(keptRows(rows, flags), forestFor(deriveSeed(seed, "forest")), data.schema);
      return {
        recall,
        asr: attackSuccessRate(model, test, options.backdoor as NonNullable<typeof options.backdoor>) ?? 0,
      };
    });
    return `${mean(runs.map((r) => r.recall)).toFixed(2)} / ${mean(runs.map((r) => r.asr)).toFixed(3)}`;
  });
  console.log(`| ${name} | ${cells.join(" | ")} |`);
}
