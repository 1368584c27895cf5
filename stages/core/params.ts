import { z } from "zod";
import { BUNDLED_LABELS, DEFAULT_SOURCE, rawFile } from "./data-source.ts";
import { DEFENSE_METHODS, DETECTORS } from "./defense/methods.ts";
import { StageError } from "./errors.ts";
import { excerpt } from "./excerpt.ts";
import { MAX_BINS } from "./forest/bins.ts";
import { POISON_METHODS, RANDOM_ATTACKS } from "./poison-methods.ts";
import { MISSING_POLICIES } from "./raw-table.ts";

/** One strict zod schema per params.yaml section; each stage validates only the sections it reads. */

// ml-random-forest needs a 32-bit seed; we keep every seed in that range for one rule everywhere.
const seed = z.int().min(0).max(2_147_483_647);

// A source names data/raw/<source>.csv; the name stays a plain file name so the path cannot leave data/raw.
const sourceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: "expected a file name in data/raw without .csv, e.g. iris" });
const columnList = z.array(z.string().min(1)).min(1).nullable();

// Keys absent in older params files mean what they meant then: IRIS, no synthetic rows, every column.
export const prepareParams = z
  .strictObject({
    seed,
    test_size: z.number().gt(0).lt(1),
    source: sourceName.optional(),
    label: z.string().min(1).nullable().optional(),
    features: columnList.optional(),
    categorical: columnList.optional(),
    missing: z.enum(MISSING_POLICIES).optional(),
    rows: z.int().min(3).max(10_000_000).nullable().optional(),
  })
  .superRefine((params, context) => {
    const source = params.source ?? DEFAULT_SOURCE;
    if (source === "synthetic") {
      context.addIssue({
        code: "custom",
        path: ["source"],
        message: "synthetic data is now prepare.rows: N, with prepare.source naming the data to fit (e.g. iris)",
      });
    } else if ((params.label ?? null) === null && !(source in BUNDLED_LABELS)) {
      context.addIssue({
        code: "custom",
        path: ["label"],
        message: `name the label column of ${rawFile(source)} (only the bundled ${Object.keys(BUNDLED_LABELS).join(", ")} know theirs)`,
      });
    }
  });

// The chosen attacks' sections are optional, so params files from before them still read; the stage that
// runs an attack checks class and feature names against the data's schema (stages/core/attacks/resolve-options.ts).
const className = z.string().min(1);
export const poisonParams = z
  .strictObject({
    method: z.enum(POISON_METHODS),
    rate: z.number().min(0).max(1),
    seed,
    targeted: z.strictObject({ source: className.nullable(), target: className.nullable() }).optional(),
    adversarial: z.strictObject({ folds: z.int().min(2).max(50), n_estimators: z.int().min(1).max(1000) }).optional(),
    backdoor: z
      .strictObject({
        target: className.nullable(),
        features: z.union([z.int().min(1), z.array(z.string().min(1)).min(1)], {
          error: "expected a count of features or a list of feature names",
        }),
        quantile: z.number().min(0).max(1),
        beyond: z.number().min(0).max(100).optional(), // absent (params files from before it): 0, inside the range
      })
      .optional(),
  })
  .superRefine((params, context) => {
    if (params.method === "targeted_flip") {
      for (const key of ["source", "target"] as const) {
        if ((params.targeted?.[key] ?? null) === null) {
          context.addIssue({
            code: "custom",
            path: ["targeted", key],
            message: "targeted_flip needs a class name here",
          });
        }
      }
      const { source, target } = params.targeted ?? {};
      if (source != null && source === target) {
        context.addIssue({
          code: "custom",
          path: ["targeted", "target"],
          message: "must differ from poison.targeted.source",
        });
      }
    }
    if (params.method === "adversarial_flip" && params.adversarial === undefined) {
      context.addIssue({
        code: "custom",
        path: ["adversarial"],
        message: "adversarial_flip needs folds and n_estimators here",
      });
    }
    if (params.method === "backdoor" && params.backdoor === undefined) {
      context.addIssue({
        code: "custom",
        path: ["backdoor"],
        message: "backdoor needs target, features and quantile here",
      });
    }
  });

export const ENGINES = ["ml-random-forest", "poisonlab-forest"] as const;

// max_features: null is the engine's default (ml-random-forest: all features; poisonlab-forest: sqrt).
// min_samples_leaf may be absent (params files from before poisonlab-forest): that means 1.
// max_bins: null (or absent) is exact CART; a number, histogram splits on that many bins at most per feature
// (poisonlab-forest only). Bins are bytes, hence 256 at most (no bin is kept for missing values: there are none).
export const trainParams = z.strictObject({
  engine: z.enum(ENGINES),
  n_estimators: z.int().min(1).max(10_000),
  max_features: z
    .union([z.number().gt(0).max(1), z.literal("sqrt")], { error: 'expected a share in (0, 1], "sqrt" or null' })
    .nullable(),
  max_depth: z.int().min(1).nullable(),
  min_samples_split: z.int().min(2),
  min_samples_leaf: z.int().min(1).optional(),
  max_bins: z
    .int({ error: `expected a whole number of bins from 2 to ${MAX_BINS}, or null (empty) for exact splits` })
    .min(2, { error: "expected at least 2 bins, or null (empty) for exact splits" })
    .max(MAX_BINS, {
      error: `expected at most ${MAX_BINS} bins (one byte per value), or null (empty) for exact splits`,
    })
    .nullable()
    .optional(),
  seed,
});

export const defenseParams = z.strictObject({
  method: z.union([z.enum(DEFENSE_METHODS), z.array(z.enum(DETECTORS)).min(1)]),
  folds: z.int().min(2).max(50),
  k: z.int().min(1),
  outlier_k: z.int().min(1),
  knn_threshold: z.number().min(0).lt(1),
  contamination: z.number().min(0).lt(1),
  seed,
});

// How the parts' models are combined: plurality (one vote each) or run_off (a two-round election,
// stages/core/certify/run-off.ts); stages/core/certify/aggregations.ts maps each to its code.
export const AGGREGATIONS = ["plurality", "run_off"] as const;

// The certify stage: partition aggregation (stages/core/certify/), its base model and the budgets reported.
export const certifyParams = z.strictObject({
  k: z.int().min(2).max(100_000),
  aggregation: z.enum(AGGREGATIONS),
  n_estimators: z.int().min(1).max(1000),
  max_features: z
    .union([z.number().gt(0).max(1), z.literal("sqrt")], { error: 'expected a share in (0, 1], "sqrt" or null' })
    .nullable(),
  max_depth: z.int().min(1).nullable(),
  min_samples_leaf: z.int().min(1),
  seed,
  budgets: z
    .array(z.int().min(1).max(100_000))
    .min(1)
    .refine((budgets) => new Set(budgets).size === budgets.length, { message: "names a budget twice" }),
});

export type CertifyParams = z.infer<typeof certifyParams>;
export type Aggregation = CertifyParams["aggregation"];
export type PrepareParams = z.infer<typeof prepareParams>;
export type PoisonParams = z.infer<typeof poisonParams>;
export type TrainParams = z.infer<typeof trainParams>;
export type DefenseParams = z.infer<typeof defenseParams>;

/**
 * Validates `document[section]` against `schema`. On failure throws one StageError that names the file,
 * every offending key as `section.key` and the value found there.
 */
export function parseSection<T extends z.ZodType>(
  document: unknown,
  section: string,
  schema: T,
  source: string,
): z.infer<T> {
  const sections = isRecord(document) ? document : {};
  if (!(section in sections)) {
    throw new StageError(`Invalid params in ${source}: the section "${section}" is missing`);
  }
  const result = schema.safeParse(sections[section]);
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => describeIssue(issue, section, sections[section]));
  throw new StageError(`Invalid params in ${source}:\n${lines.join("\n")}`);
}

function describeIssue(issue: z.core.$ZodIssue, section: string, value: unknown): string[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      return `  ✖ ${[section, ...keyPath].join(".")} = ${show(valueAt(value, keyPath))}: unknown key`;
    });
  }
  return [`  ✖ ${[section, ...path].join(".")} = ${show(valueAt(value, path))}: ${issue.message}`];
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), value);
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  // Strings in quotes, so "10" and 10 read differently; at most an excerpt of a long value.
  return excerpt(typeof value === "string" ? JSON.stringify(value) : value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// The optional MLflow push. The tracking URI may also come from MLFLOW_TRACKING_URI; credentials only ever
// come from the environment, so none can end up in params.yaml or dvc.lock.
export const mlflowParams = z.strictObject({
  enabled: z.boolean(),
  tracking_uri: z.string().min(1).nullable(),
  experiment: z.string().min(1).max(500),
});

export type MlflowParams = z.infer<typeof mlflowParams>;

// The study: repeated runs of the whole experiment on IRIS, and learning curves on IRIS and synthetic data.
// Its forest has no seed of its own: each repeat derives one from study.seed.
const rateList = z
  .array(z.number().min(0).max(1))
  .min(2)
  .refine((rates) => rates.includes(0), { message: "must include 0, the clean baseline every rate is compared with" });

const bundledOnly = `must be a bundled data set: ${Object.keys(BUNDLED_LABELS).join(", ")}`;

export const studyParams = z.strictObject({
  seed,
  repeats: z.int().min(2).max(10_000),
  test_size: z.number().gt(0).lt(1),
  methods: z.array(z.enum(RANDOM_ATTACKS)).min(1), // the chosen attacks need per-data-set params
  rates: rateList,
  forest: trainParams.omit({ seed: true }),
  curves: z.strictObject({
    repeats: z.int().min(2).max(10_000),
    rates: rateList,
    iris_sizes: z.array(z.int().min(3)).min(2),
    synthetic_sizes: z.array(z.int().min(3)).min(2),
    synthetic_test_rows: z.int().min(10),
    target_accuracy: z.number().gt(0).lt(1),
  }),
  defenses: z.strictObject({
    rates: z.array(z.number().gt(0).max(1)).min(1),
    regularised_min_samples_leaf: z.int().min(1),
  }),
  // The study across data sets: bundled sets only (a CSV of one's own needs the prepare keys to be read).
  datasets: z
    .array(z.string().refine((name) => name in BUNDLED_LABELS, { message: bundledOnly }))
    .min(1)
    .refine((names) => new Set(names).size === names.length, { message: "names a data set twice" }),
  across: z.strictObject({
    rates: rateList,
    defense_rates: z.array(z.number().gt(0).max(1)).min(1),
    defense_repeats: z.int().min(2).max(10_000),
  }),
  // The chosen attacks and the certified defense on every data set of study.datasets (the adversary stage).
  adversary: z.strictObject({
    repeats: z.int().min(2).max(10_000),
    flip_rates: z.array(z.number().gt(0).max(1)).min(1),
    surrogate: z.strictObject({ folds: z.int().min(2).max(50), n_estimators: z.int().min(1).max(1000) }),
    backdoor_rates: z.array(z.number().gt(0).max(1)).min(1),
    trigger_features: z.int().min(1),
    trigger_beyond: z.array(z.number().min(0).max(100)).min(1),
    certify_k: z.array(z.int().min(2).max(10_000)).min(1),
    certify_radii: z.array(z.int().min(1)).min(1),
  }),
});

export type StudyParams = z.infer<typeof studyParams>;
