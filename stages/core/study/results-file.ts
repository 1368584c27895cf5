import { z } from "zod";
import { StageError } from "../errors.ts";
import type { StudyParams } from "../params.ts";
import { RANDOM_ATTACKS } from "../poison.ts";
import type { AcrossDefenses, AcrossResults } from "./across.ts";
import { type AdversaryResults, BACKDOOR_DEFENSES, FLIP_ATTACKS } from "./adversary-results.ts";
import type { DefenseCell } from "./defenses.ts";
import type { StudyResults } from "./results.ts";

/**
 * Schemas of the study's and the defenses' results files (metrics/study-results.json,
 * metrics/defenses-results.json) as the report reads them back, and their cross-checks against the study
 * params: a tampered or stale file is one message, not a report built from it.
 */
const share = z.number().min(0).max(1);
const summary = z.object({
  n: z.int().min(1),
  mean: z.number(),
  sd: z.number().min(0),
  ci95: z.tuple([z.number(), z.number()]),
});
const degradationCell = z.object({
  method: z.enum(RANDOM_ATTACKS),
  rate: share,
  accuracy: summary,
  precision_macro: summary,
  recall_macro: summary,
  f1_macro: summary,
  accuracy_on_poisoned_test: summary,
  accuracy_values: z.array(share),
});
const curvePoint = z.object({ rate: share, rows: z.int().min(1), accuracy: summary });
const rowsNeededRow = z.object({
  rate: share,
  needed: z.object({ rows: z.number().min(0), bound: z.enum(["interpolated", "at_most", "more_than"]) }),
  multiplier: z.number(),
  multiplier_bound: z.enum(["about", "at_least", "at_most", "unknown"]),
  textbook: z.number().nullable(),
});
const studyResultsFile = z.object({
  repeats: z.int().min(1),
  train_rows: z.int().min(1),
  test_rows: z.int().min(1),
  degradation: z.array(degradationCell).min(1),
  curves: z.record(z.string(), z.array(curvePoint)),
  rows_needed: z.record(z.string(), z.array(rowsNeededRow)),
  target_accuracy: share,
  class_count: z.int().min(2),
});
const defenseCell = z.object({
  method: z.enum(RANDOM_ATTACKS),
  rate: share,
  defense: z.string().min(1),
  precision: summary.nullable(),
  recall: summary.nullable(),
  f1: summary.nullable(),
  auroc: summary.nullable(),
  removed: summary.nullable(),
  accuracy: summary,
});
const defenseCellsFile = z.array(defenseCell);
/** The split a data set's results were measured on. */
const splitShape = { train_rows: z.int().min(1), test_rows: z.int().min(1), class_count: z.int().min(2) };
const acrossResultsFile = z.object({
  repeats: z.int().min(1),
  datasets: z.record(z.string(), z.object({ ...splitShape, degradation: z.array(degradationCell).min(1) })),
});
const acrossDefensesFile = z.object({
  repeats: z.int().min(1),
  datasets: z.record(z.string(), z.array(defenseCell)),
});

const adversaryFile = z.object({
  repeats: z.int().min(1),
  datasets: z.record(
    z.string(),
    z.object({
      ...splitShape,
      targeted: z.object({ source: z.string(), target: z.string() }),
      backdoor: z.object({ target: z.string(), features: z.array(z.string()) }),
      clean_accuracy: summary,
      flips: z.array(z.object({ method: z.enum(FLIP_ATTACKS), rate: share, accuracy: summary, drop: summary })),
      backdoors: z.array(
        z.object({
          rate: share,
          beyond: z.number().min(0),
          defense: z.enum(BACKDOOR_DEFENSES),
          recall: summary.nullable(),
          attack_success_rate: summary,
          accuracy: summary,
        }),
      ),
      certify: z.array(z.object({ k: z.int().min(2), radius: z.int().min(0), certified_accuracy: summary })),
    }),
  ),
});

function parsed<T extends z.ZodType>(schema: T, value: unknown, source: string, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new StageError(`${source}: not ${what}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** The study's results, checked against the study params that should have produced them. */
export function parseStudyResults(value: unknown, source: string, params: StudyParams): StudyResults {
  const results = parsed(studyResultsFile, value, source, "the study's results");
  const fail = (problem: string): never => {
    throw new StageError(`${source}: ${problem}; re-run the study stage`);
  };
  if (results.repeats !== params.repeats) fail(`repeats = ${results.repeats}, but study.repeats is ${params.repeats}`);
  for (const method of params.methods) {
    for (const rate of params.rates) {
      const cell = results.degradation.find((item) => item.method === method && item.rate === rate);
      if (cell === undefined) fail(`no degradation cell for ${method} at rate ${rate}`);
      else if (cell.accuracy_values.length !== results.repeats || cell.accuracy.n !== results.repeats) {
        fail(
          `the ${method} cell at rate ${rate} has ${cell.accuracy_values.length} values for ${results.repeats} repeats`,
        );
      }
    }
  }
  for (const [source_, points] of Object.entries(results.curves)) {
    if (!(source_ in results.rows_needed)) fail(`curve "${source_}" has no rows_needed table`);
    const bad = points.find((point) => point.accuracy.n !== params.curves.repeats);
    if (bad !== undefined)
      fail(`curve "${source_}" at ${bad.rows} rows has n = ${bad.accuracy.n}, not study.curves.repeats`);
  }
  return results;
}

/** The defense study's cells, checked against the study params. */
export function parseDefenseCells(value: unknown, source: string, params: StudyParams): DefenseCell[] {
  const cells = parsed(defenseCellsFile, value, source, "the defense study's results");
  const bad = cells.find((cell) => cell.accuracy.n !== params.repeats || !params.defenses.rates.includes(cell.rate));
  if (bad !== undefined) {
    throw new StageError(
      `${source}: the ${bad.defense} cell for ${bad.method} at rate ${bad.rate} (n = ${bad.accuracy.n}) does not fit study.repeats = ${params.repeats} and study.defenses.rates; re-run the defenses stage`,
    );
  }
  return cells;
}

/** Fails unless the file's data sets are exactly study.datasets, in order. */
function checkDataSets(names: readonly string[], params: StudyParams, source: string, stage: string): void {
  if (names.join(",") !== params.datasets.join(",")) {
    throw new StageError(
      `${source}: data sets [${names.join(", ")}], but study.datasets is [${params.datasets.join(", ")}]; re-run the ${stage} stage`,
    );
  }
}

/** The study across data sets, checked against study.datasets, study.repeats and study.across.rates. */
export function parseAcrossResults(value: unknown, source: string, params: StudyParams): AcrossResults {
  const results = parsed(acrossResultsFile, value, source, "the study's results across data sets");
  checkDataSets(Object.keys(results.datasets), params, source, "study");
  for (const [name, data] of Object.entries(results.datasets)) {
    const rates = data.degradation.map((cell) => cell.rate);
    const bad = data.degradation.find((cell) => cell.accuracy.n !== params.repeats);
    if (rates.join(",") !== params.across.rates.join(",") || bad !== undefined) {
      throw new StageError(
        `${source}: ${name} has rates [${rates.join(", ")}]${bad ? ` and n = ${bad.accuracy.n}` : ""}, which do not fit study.across.rates and study.repeats = ${params.repeats}; re-run the study stage`,
      );
    }
  }
  return results;
}

/** The defenses across data sets, checked against study.datasets and study.across. */
export function parseAcrossDefenses(value: unknown, source: string, params: StudyParams): AcrossDefenses {
  const results = parsed(acrossDefensesFile, value, source, "the defense study's results across data sets");
  checkDataSets(Object.keys(results.datasets), params, source, "defenses");
  for (const [name, cells] of Object.entries(results.datasets)) {
    const bad = cells.find(
      (cell) => cell.accuracy.n !== params.across.defense_repeats || !params.across.defense_rates.includes(cell.rate),
    );
    if (bad !== undefined) {
      throw new StageError(
        `${source}: ${name}'s ${bad.defense} cell at rate ${bad.rate} (n = ${bad.accuracy.n}) does not fit study.across.defense_repeats = ${params.across.defense_repeats} and study.across.defense_rates; re-run the defenses stage`,
      );
    }
  }
  return results;
}

/** The adversary study, checked against study.datasets and every study.adversary key that shapes it. */
export function parseAdversaryResults(value: unknown, source: string, params: StudyParams): AdversaryResults {
  const results = parsed(adversaryFile, value, source, "the adversary study's results");
  checkDataSets(Object.keys(results.datasets), params, source, "adversary");
  const { adversary } = params;
  const same = (a: readonly number[], b: readonly number[]) => a.join(",") === b.join(",");
  for (const [name, data] of Object.entries(results.datasets)) {
    const fits =
      results.repeats === adversary.repeats &&
      data.clean_accuracy.n === adversary.repeats &&
      same(
        data.flips.filter((cell) => cell.method === "label_flip").map((cell) => cell.rate),
        adversary.flip_rates,
      ) &&
      same([...new Set(data.backdoors.map((cell) => cell.rate))], adversary.backdoor_rates) &&
      same([...new Set(data.backdoors.map((cell) => cell.beyond))], adversary.trigger_beyond) &&
      same([...new Set(data.certify.map((cell) => cell.k))], adversary.certify_k) &&
      same(
        data.certify.filter((cell) => cell.k === adversary.certify_k[0]).map((cell) => cell.radius),
        [0, ...adversary.certify_radii],
      );
    if (!fits) {
      throw new StageError(
        `${source}: ${name}'s results (${results.repeats} repeats) do not fit study.adversary (repeats ${adversary.repeats}, its rates, trigger positions, k and radii); re-run the adversary stage`,
      );
    }
  }
  return results;
}
