/**
 * npm run bench:certify: training time of partition aggregation (k = 50 parts, one tree per part) against one
 * 100-tree poisonlab-forest on the same rows: 100,000 synthetic IRIS-like rows (class Gaussians fitted to
 * IRIS), both in this thread, median of 3 runs each, printed side by side. Also the accuracy of each on
 * 20,000 fresh rows. Not a test: the figures depend on the machine and on what else it is doing.
 *   node --import tsx scripts/bench-certify.ts [--rows 100000] [--k 50] [--trees 100] [--repeats 3]
 */
import { parseArgs } from "node:util";
import { certifiedAccuracy } from "../stages/core/certify/certificate.ts";
import { certifiedPredictions, trainPartitions } from "../stages/core/certify/partition-aggregation.ts";
import { IRIS_CHOICE } from "../stages/core/data-source.ts";
import { matrixFromRows } from "../stages/core/forest/matrix.ts";
import { forestProbabilities, trainForest } from "../stages/core/forest/train-forest.ts";
import { loadDataset } from "../stages/core/raw-table.ts";
import { createRng } from "../stages/core/rng.ts";
import { fitSynthetic } from "../stages/core/synthetic.ts";
import { readText } from "../stages/shell/files.ts";
import { PATHS } from "../stages/shell/paths.ts";
import { median } from "./median.ts";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    k: { type: "string", default: "50" },
    trees: { type: "string", default: "100" },
    repeats: { type: "string", default: "3" },
  },
});
const iris = loadDataset(readText(PATHS.iris), PATHS.iris, IRIS_CHOICE);
const sample = fitSynthetic(iris);
const train = sample(Number(args.rows), createRng("bench-certify/train"));
const test = sample(20_000, createRng("bench-certify/test"));
const classes = iris.schema.classes.length;
const labels = test.map((row) => row.label);

function timed<T>(run: () => T): { seconds: number; result: T } {
  const since = performance.now();
  const result = run();
  return { seconds: (performance.now() - since) / 1000, result };
}

const partitionRuns = Array.from({ length: Number(args.repeats) }, () =>
  timed(() =>
    trainPartitions(train, classes, Number(args.k), {
      trees: 1,
      maxFeatures: null,
      maxDepth: null,
      minSamplesLeaf: 1,
      seed: 1,
    }),
  ),
);
const matrix = matrixFromRows(train, classes);
const settings = {
  trees: Number(args.trees),
  seed: 1,
  maxFeatures: 2,
  maxDepth: Infinity,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
};
const forestRuns = Array.from({ length: Number(args.repeats) }, () => timed(() => trainForest(matrix, settings)));

const ensemble = (partitionRuns[0] as { result: ReturnType<typeof trainPartitions> }).result;
const partitionAccuracy = certifiedAccuracy(
  certifiedPredictions(
    ensemble,
    test.map((row) => row.features),
    "plurality",
  ),
  labels,
  0,
);
const forest = (forestRuns[0] as { result: ReturnType<typeof trainForest> }).result;
const testColumns = iris.schema.features.map((_, f) => Float64Array.from(test, (row) => row.features[f] as number));
const forestPredicted = forestProbabilities(forest, testColumns).map((p) => p.indexOf(Math.max(...p)));
const forestAccuracy = forestPredicted.filter((label, i) => label === labels[i]).length / labels.length;

const seconds = (runs: Array<{ seconds: number }>) => median(runs.map((run) => run.seconds)).toFixed(2);
console.log(
  `${args.rows} synthetic IRIS-like training rows, 20,000 test rows; median of ${args.repeats} runs, one thread\n`,
);
console.log("| model | train time (s) | accuracy |\n| --- | --- | --- |");
console.log(
  `| partition aggregation, k = ${args.k}, one tree per part | ${seconds(partitionRuns)} | ${partitionAccuracy.toFixed(3)} |`,
);
console.log(
  `| poisonlab-forest, ${args.trees} trees (sqrt features) | ${seconds(forestRuns)} | ${forestAccuracy.toFixed(3)} |`,
);
