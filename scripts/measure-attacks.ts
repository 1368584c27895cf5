// npm run measure:attacks: random, targeted and adversarial label flips at equal budgets, and the backdoor's
// attack success rate, on the bundled data sets. A measurement, not a test: it prints markdown tables.
//   node --import tsx scripts/measure-attacks.ts [--seeds 10] [--trees 100] [--datasets iris,wine,breast_cancer] [--quantile 0.99] [--features 3]
// Per seed: a fresh stratified 80/20 split, the attack on the training split, a poisonlab-forest (sqrt features)
// scored on the clean test split. Targeted flips take the largest class to the next largest, as the adversary stage does. The adversarial
// surrogate and the backdoor trigger use params.yaml's poison.adversarial and poison.backdoor settings.
import { parseArgs } from "node:util";
import { attackSuccessRate } from "../stages/core/attacks/backdoor.ts";
import { attackOptions } from "../stages/core/attacks/resolve-options.ts";
import { trainClassifier } from "../stages/core/classifier.ts";
import { dataChoice, rawFile } from "../stages/core/data-source.ts";
import type { Dataset } from "../stages/core/dataset.ts";
import { accuracy } from "../stages/core/metrics.ts";
import { predictLabels } from "../stages/core/model.ts";
import { type PoisonParams, poisonParams } from "../stages/core/params.ts";
import { type PoisonMethod, poisonRows, rowsTable } from "../stages/core/poison.ts";
import { loadDataset } from "../stages/core/raw-table.ts";
import { createRng, deriveSeed } from "../stages/core/rng.ts";
import { stratifiedSplit } from "../stages/core/split.ts";
import { targetedPair } from "../stages/core/study/targeted-pair.ts";
import { readText } from "../stages/shell/files.ts";
import { loadParams } from "../stages/shell/params-file.ts";

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "10" },
    trees: { type: "string", default: "100" },
    datasets: { type: "string", default: "iris,wine,breast_cancer" },
    quantile: { type: "string" }, // overrides poison.backdoor.quantile
    features: { type: "string" }, // overrides poison.backdoor.features (a count)
  },
});
const seeds = Number(args.seeds);
const fromFile = loadParams("poison", poisonParams);
const backdoor = fromFile.backdoor && {
  ...fromFile.backdoor,
  ...(args.quantile === undefined ? {} : { quantile: Number(args.quantile) }),
  ...(args.features === undefined ? {} : { features: Number(args.features) }),
};
const base: PoisonParams = { ...fromFile, backdoor };
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sd = (values: readonly number[]) => {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1));
};
const show = (values: readonly number[]) => `${mean(values).toFixed(3)} ± ${sd(values).toFixed(3)}`;

function run(data: Dataset, seed: number, method: PoisonMethod, rate: number) {
  const { train, test } = stratifiedSplit(data.rows, 0.2, createRng(deriveSeed(seed, "split")));
  const pair = targetedPair(data);
  const targeted = {
    source: data.schema.classes[pair.source] ?? null,
    target: data.schema.classes[pair.target] ?? null,
  };
  const params: PoisonParams = { ...base, method, rate, seed, targeted };
  const options = attackOptions(params, data.schema, rowsTable(train, data.schema.features.length));
  const poisoned = poisonRows(
    train,
    { method, rate, options },
    createRng(deriveSeed(seed, "poison")),
    data.schema,
  ).rows;
  const forest = {
    engine: "poisonlab-forest",
    n_estimators: Number(args.trees),
    max_features: "sqrt",
    max_depth: null,
    min_samples_split: 2,
    min_samples_leaf: 1,
    seed: deriveSeed(seed, "forest"),
  } as const;
  const classifier = trainClassifier(poisoned, forest, data.schema);
  const predicted = predictLabels(
    classifier,
    test.map((row) => row.features),
  );
  const acc = accuracy(
    test.map((row) => row.label),
    predicted,
  );
  const asr = options.backdoor === undefined ? null : attackSuccessRate(classifier, test, options.backdoor);
  return { acc, asr };
}

for (const name of args.datasets.split(",")) {
  const data = loadDataset(readText(rawFile(name)), rawFile(name), dataChoice({ source: name }));
  const over = (method: PoisonMethod, rate: number) =>
    Array.from({ length: seeds }, (_, seed) => run(data, seed, method, rate));
  const clean = over("label_flip", 0).map((r) => r.acc);
  console.log(`\n### ${name} (${seeds} seeds, clean-test accuracy mean ± sd; clean ${show(clean)})\n`);
  console.log("| rate | label_flip (random) | targeted_flip | adversarial_flip |\n| --- | --- | --- | --- |");
  for (const rate of [0.1, 0.3]) {
    const cells = (["label_flip", "targeted_flip", "adversarial_flip"] as const).map((m) =>
      show(over(m, rate).map((r) => r.acc)),
    );
    console.log(`| ${rate * 100} % | ${cells.join(" | ")} |`);
  }
  console.log("\n| backdoor rate | attack_success_rate | clean-test accuracy |\n| --- | --- | --- |");
  for (const rate of [0.01, 0.05]) {
    const results = over("backdoor", rate);
    console.log(`| ${rate * 100} % | ${show(results.map((r) => r.asr ?? 0))} | ${show(results.map((r) => r.acc))} |`);
  }
}
