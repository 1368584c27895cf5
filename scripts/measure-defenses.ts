// npm run measure:defenses: the defense study on a wider grid than the pipeline's `defenses` stage: three
// forests (the default ml-random-forest, poisonlab-forest with min_samples_leaf, ml-random-forest with max_depth)
// and more detector combinations. A benchmark, not a test: it prints a markdown table and asserts nothing.
//   node --import tsx scripts/measure-defenses.ts [--seeds 30] [--trees 100] [--rates 0.05,0.1,0.5]
//     [--attacks label_flip,feature_noise,inject] [--leaf 10] [--max-depth 3]
// Splits, poisonings and forest seeds are the study's (study.seed in params.yaml); the outlier detector is given
// the true contamination. The detectors' other knobs come from params.yaml's defense section.
import { parseArgs } from "node:util";
import { seededForest } from "../stages/core/classifier.ts";
import { IRIS_CHOICE } from "../stages/core/data-source.ts";
import { type Detector, detectorsOf } from "../stages/core/defense/methods.ts";
import { defenseParams, studyParams, type TrainParams } from "../stages/core/params.ts";
import { RANDOM_ATTACKS, type RandomAttack } from "../stages/core/poison.ts";
import { loadDataset } from "../stages/core/raw-table.ts";
import { defenseTable } from "../stages/core/report/defense-section.ts";
import { type DefenseVariant, runDefenseStudy } from "../stages/core/study/defenses.ts";
import { readText } from "../stages/shell/files.ts";
import { loadParams } from "../stages/shell/params-file.ts";
import { PATHS } from "../stages/shell/paths.ts";
import { progressPrinter } from "../stages/shell/progress.ts";

/** A forest without its seed: the study gives each repeat its own. */
type ForestSettings = Omit<TrainParams, "seed">;

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "30" },
    trees: { type: "string", default: "100" },
    rates: { type: "string", default: "0.05,0.1,0.5" },
    attacks: { type: "string", default: RANDOM_ATTACKS.join(",") },
    leaf: { type: "string", default: "10" },
    "max-depth": { type: "string", default: "3" },
  },
});

const study = loadParams("study", studyParams);
const detector = loadParams("defense", defenseParams);
const plain: ForestSettings = {
  engine: "ml-random-forest",
  n_estimators: Number(args.trees),
  max_features: null,
  max_depth: null,
  min_samples_split: 2,
};
const forests: Record<string, ForestSettings> = {
  default: plain,
  [`leaf ${args.leaf}`]: { ...plain, engine: "poisonlab-forest", min_samples_leaf: Number(args.leaf) },
  [`depth ${args["max-depth"]}`]: { ...plain, max_depth: Number(args["max-depth"]) },
};
const iris = loadDataset(readText(PATHS.iris), PATHS.iris, IRIS_CHOICE);
const seededForests = Object.fromEntries(
  Object.entries(forests).map(([name, params]) => [name, seededForest(params, iris.schema)]),
);

/** Which defenses run on which forest; the same forest gives the label check's probabilities and the final model. */
const COMBINATIONS: Record<string, Array<Detector[]>> = {
  default: [[], ["label"], ["knn"], ["outlier"], detectorsOf("combined"), ["label", "knn"]],
  [`leaf ${args.leaf}`]: [[], ["label"], ["knn"], detectorsOf("combined"), ["label", "knn"]],
  [`depth ${args["max-depth"]}`]: [[], ["label"], ["label", "knn"]],
};
const variants: DefenseVariant[] = Object.entries(COMBINATIONS).flatMap(([forest, list]) =>
  list.map((detectors) => {
    const name = detectors.length === 0 ? "none" : detectors.join("+");
    return { name: forest === "default" ? name : `${name}, ${forest}`, detectors, forest };
  }),
);
// The default forest's "none" is the baseline every other variant is compared with.
variants.sort((a, b) => Number(b.name === "none") - Number(a.name === "none"));

const spec = {
  seed: study.seed,
  repeats: Number(args.seeds),
  test_size: study.test_size,
  methods: args.attacks.split(",") as RandomAttack[],
  rates: args.rates.split(",").map(Number),
  detector,
};
const cells = runDefenseStudy(iris, spec, seededForests, variants, progressPrinter("measure-defenses", "data sets"));
console.log(
  `Defenses on IRIS: ${spec.repeats} seeds, ${args.trees} trees; mean [95 % t-interval]. Forests: default = ml-random-forest,`,
);
console.log(
  `all features; leaf ${args.leaf} = poisonlab-forest, sqrt features, min_samples_leaf ${args.leaf}; depth ${args["max-depth"]} = ml-random-forest, max_depth ${args["max-depth"]}.`,
);
console.log("The outlier detector flags the true contamination; combined = label + outlier.\n");
console.log(defenseTable(cells));
