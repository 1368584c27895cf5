// npm run measure:defenses: how well each defense finds the poisoned rows, and the clean-test accuracy it
// wins back, over many seeds on IRIS. A benchmark, not a test: it prints a markdown table and asserts nothing.
//   node --import tsx scripts/measure-defenses.ts [--seeds 30] [--trees 100] [--rates 0.05,0.1,0.5]
//     [--attacks label_flip,feature_noise,inject] [--leaf 10] [--max-depth 3]
// Each seed draws a fresh stratified 120/30 split, poisoning, fold assignment and forest seeds. The outlier
// detector is given the true contamination (poisoned rows / rows), as the target asks.
import { parseArgs } from "node:util";
import { parseTable } from "../stages/core/dataset.ts";
import { combine, detect, keptRows } from "../stages/core/defense/detect.ts";
import { scoreDetection } from "../stages/core/defense/detection-metrics.ts";
import { forestTrainer } from "../stages/core/defense/forest-trainer.ts";
import { type Detector, detectorsOf } from "../stages/core/defense/methods.ts";
import { trainClassifier } from "../stages/core/classifier.ts";
import { accuracy } from "../stages/core/metrics.ts";
import { predictLabels } from "../stages/core/model.ts";
import type { DefenseParams, TrainParams } from "../stages/core/params.ts";
import { POISON_METHODS, type PoisonMethod, poisonRows } from "../stages/core/poison.ts";
import { createRng } from "../stages/core/rng.ts";
import { stratifiedSplit } from "../stages/core/split.ts";
import { readText } from "../stages/shell/files.ts";
import { PATHS } from "../stages/shell/paths.ts";
import { type Summary, summarise } from "./measure-defenses/summary.ts";

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "30" },
    trees: { type: "string", default: "100" },
    rates: { type: "string", default: "0.05,0.1,0.5" },
    attacks: { type: "string", default: POISON_METHODS.join(",") },
    leaf: { type: "string", default: "10" },
    "max-depth": { type: "string", default: "3" },
  },
});
const seeds = Number(args.seeds);
const rates = args.rates.split(",").map(Number);
const attacks = args.attacks.split(",") as PoisonMethod[];
const trees = Number(args.trees);

// params.yaml's defense section, except the outlier's contamination (set per data set to the truth).
const DEFENSE: Omit<DefenseParams, "method" | "contamination" | "seed"> = { folds: 5, k: 10, outlier_k: 3, knn_threshold: 0.5 };
const plain: TrainParams = { engine: "ml-random-forest", n_estimators: trees, max_features: 1, max_depth: null, min_samples_split: 2, seed: 0 };
const leaf: TrainParams = { ...plain, engine: "poisonlab-forest", max_features: null, min_samples_leaf: Number(args.leaf) };
const depth: TrainParams = { ...plain, max_depth: Number(args["max-depth"]) };

/** A forest (used both for the label check's out-of-fold probabilities and the final model) and the defenses run with it. */
const VARIANTS: Array<{ forest: TrainParams; label: string; methods: Array<DefenseParams["method"]> }> = [
  { forest: plain, label: "", methods: ["none", "label", "knn", "outlier", "combined", ["label", "knn"]] },
  { forest: leaf, label: `, leaf ${leaf.min_samples_leaf}`, methods: ["none", "label", "knn", "combined", ["label", "knn"]] },
  { forest: depth, label: `, depth ${depth.max_depth}`, methods: ["none", "label", ["label", "knn"]] },
];
const FIGURES = ["precision", "recall", "f1", "auroc", "removed", "accuracy"] as const;
type Figure = (typeof FIGURES)[number];

const iris = parseTable(readText(PATHS.raw), PATHS.raw);
const table: string[][] = [];
const started = Date.now();

for (const attack of attacks) {
  for (const rate of rates) {
    const samples = new Map<string, Record<Figure, number[]>>();
    for (let seed = 0; seed < seeds; seed++) {
      const { train, test } = stratifiedSplit(iris, 0.2, createRng(`split/${seed}`));
      const poisoned = poisonRows(train, { method: attack, rate }, createRng(`poison/${seed}`));
      const contamination = poisoned.poisoned.length / poisoned.rows.length;
      for (const variant of VARIANTS) {
        const forest = { ...variant.forest, seed };
        // Every detector runs once per data set and forest; each defense combines their results.
        const defense: DefenseParams = { ...DEFENSE, method: ["label", "knn", "outlier"], contamination, seed };
        const all = detect(poisoned.rows, defense, createRng(`defense/${seed}`), forestTrainer(forest));
        for (const method of variant.methods) {
          const detectors: Detector[] = detectorsOf(method);
          const result = combine(detectors.map((d) => all.byDetector[d] ?? { scores: [], flags: [] }), poisoned.rows.length);
          const name = `${Array.isArray(method) ? method.join("+") : method}${variant.label}`;
          const figures = samples.get(name) ?? { precision: [], recall: [], f1: [], auroc: [], removed: [], accuracy: [] };
          samples.set(name, figures);
          if (detectors.length > 0) {
            const scores = scoreDetection(result.flags, result.scores, poisoned.poisoned);
            figures.precision.push(scores.precision);
            figures.recall.push(scores.recall);
            figures.f1.push(scores.f1);
            if (scores.auroc !== null) figures.auroc.push(scores.auroc);
            figures.removed.push(scores.removed);
          }
          const model = trainClassifier(keptRows(poisoned.rows, result.flags), forest);
          figures.accuracy.push(accuracy(test.map((row) => row.label), predictLabels(model, test.map((row) => row.features))));
        }
      }
    }
    for (const [name, figures] of samples) {
      table.push([attack, `${rate * 100} %`, name, ...FIGURES.map((figure) => formatSummary(summarise(figures[figure])))]);
    }
    process.stderr.write(`measured ${attack} at ${rate} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
}

function formatSummary(summary: Summary | null): string {
  if (summary === null) return "-";
  const digits = summary.mean >= 10 ? 1 : 3;
  return `${summary.mean.toFixed(digits)} ± ${summary.halfWidth.toFixed(digits)}`;
}

const header = ["attack", "rate", "defense, forest", "precision", "recall", "F1", "AUROC", "removed rows", "clean-test accuracy"];
console.log(`Defenses on IRIS: ${seeds} seeds, ${trees} trees, 120 train / 30 clean test rows; mean ± half-width of the 95 % t-interval.`);
console.log(`Forests: default = ml-random-forest, all features; leaf ${leaf.min_samples_leaf} = poisonlab-forest, sqrt features, min_samples_leaf ${leaf.min_samples_leaf};`);
console.log(`depth ${depth.max_depth} = ml-random-forest, max_depth ${depth.max_depth}. The same forest gives the label check's out-of-fold probabilities and the final model.`);
console.log(`label = 5-fold confident learning; knn = k 10 label disagreement > 0.5; outlier = mean distance to 3 neighbours,`);
console.log("flagging the true contamination; combined = label + outlier. Detection figures are blank for none.");
console.log("");
console.log(`| ${header.join(" | ")} |`);
console.log(`|${header.map(() => "---").join("|")}|`);
for (const row of table) console.log(`| ${row.join(" | ")} |`);
