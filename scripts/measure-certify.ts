// npm run measure:certify: partition aggregation's accuracy and certified accuracy at r = 1, 2, 3, 5 on the
// bundled data sets for a few k, beside a scikit-learn reference (plurality vote, single trees, 10 seeds).
//   node --import tsx scripts/measure-certify.ts [--seeds 10] [--trees 1] [--aggregation plurality|run_off]
//     [--datasets iris,wine,breast_cancer] [--k 5,10,20]
// Per seed: a fresh stratified 80/20 split, partition aggregation trained on the training split, scored on the
// test split. "under attack" is the empirical counterpart: for each test point separately, r rows inserted right
// beside it labelled with the class that has the most first-choice votes after its own
// (stages/core/certify/near-insertion.ts), the ensemble retrained, the share of test points still correct.
// Certified accuracy can never exceed it.
// A measurement, not a test: it prints a markdown table and asserts nothing.
import { parseArgs } from "node:util";
import { certifiedAccuracy } from "../stages/core/certify/certificate.ts";
import { rowsNear } from "../stages/core/certify/near-insertion.ts";
import { certifiedPredictions, trainPartitions, voteCounts } from "../stages/core/certify/partition-aggregation.ts";
import { dataChoice, rawFile } from "../stages/core/data-source.ts";
import { AGGREGATIONS } from "../stages/core/params.ts";
import { loadDataset } from "../stages/core/raw-table.ts";
import { createRng, deriveSeed } from "../stages/core/rng.ts";
import { stratifiedSplit } from "../stages/core/split.ts";
import { readText } from "../stages/shell/files.ts";

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "10" },
    trees: { type: "string", default: "1" },
    aggregation: { type: "string", default: "plurality" },
    datasets: { type: "string", default: "iris,wine,breast_cancer" },
    k: { type: "string", default: "5,10,20" },
  },
});
const aggregation = AGGREGATIONS.find((name) => name === args.aggregation);
if (aggregation === undefined) throw new Error(`--aggregation: expected ${AGGREGATIONS.join(" or ")}`);
const RADII = [1, 2, 3, 5];
/**
 * A scikit-learn reference of partition aggregation with a plurality vote (single trees, 10 seeds):
 * accuracy, then certified accuracy at r = 1, 2, 3, 5, in one cell.
 */
const REFERENCE: Record<string, string> = {
  "iris k=10": "0.95 / 0.91 / 0.85 / 0.73 / –",
  "wine k=10": "0.93 / 0.83 / 0.66 / 0.50 / –",
  "breast_cancer k=20": "0.95 / 0.93 / 0.91 / 0.88 / 0.83",
};
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

console.log(
  `${args.seeds} seeds, ${args.trees} tree(s) per part, ${aggregation}; reference: scikit-learn, plurality, single trees, 10 seeds\n`,
);
console.log(
  "| data set | k | accuracy | r=1 | r=2 | r=3 | r=5 | under attack r=1 / 2 / 3 / 5 | reference acc / r=1 / 2 / 3 / 5 |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const name of args.datasets.split(",")) {
  const data = loadDataset(readText(rawFile(name)), rawFile(name), dataChoice({ source: name }));
  for (const k of args.k.split(",").map(Number)) {
    const scores = Array.from({ length: Number(args.seeds) }, (_, seed) => {
      const { train, test } = stratifiedSplit(data.rows, 0.2, createRng(deriveSeed(seed, "split")));
      const base = { trees: Number(args.trees), maxFeatures: null, maxDepth: null, minSamplesLeaf: 1, seed };
      const ensemble = trainPartitions(train, data.schema.classes.length, k, base);
      const results = certifiedPredictions(
        ensemble,
        test.map((row) => row.features),
        aggregation,
      );
      const labels = test.map((row) => row.label);
      const votes = voteCounts(
        ensemble,
        test.map((row) => row.features),
      );
      const attacked = RADII.map((r) => {
        const survived = test.filter((point, i) => {
          const counts = votes[i] as number[];
          const rival = counts
            .map((_, c) => c)
            .filter((c) => c !== point.label)
            .sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b)[0] as number;
          const poisoned = trainPartitions(
            [...train, ...rowsNear(point.features, rival, r)],
            data.schema.classes.length,
            k,
            base,
          );
          return certifiedPredictions(poisoned, [point.features], aggregation)[0]?.label === point.label;
        });
        return survived.length / test.length;
      });
      return [...[0, ...RADII].map((r) => certifiedAccuracy(results, labels, r)), ...attacked];
    });
    const column = (i: number) => mean(scores.map((s) => s[i] as number)).toFixed(3);
    const cells = [0, ...RADII].map((_, i) => column(i));
    const underAttack = RADII.map((_, i) => column(1 + RADII.length + i)).join(" / ");
    console.log(`| ${name} | ${k} | ${cells.join(" | ")} | ${underAttack} | ${REFERENCE[`${name} k=${k}`] ?? ""} |`);
  }
}
