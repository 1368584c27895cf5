import { z } from "zod";
import { StageError } from "../errors.ts";
import type { StudyParams } from "../params.ts";
import { POISON_METHODS } from "../poison.ts";
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
  method: z.enum(POISON_METHODS),
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
const defenseCellsFile = z.array(
  z.object({
    method: z.enum(POISON_METHODS),
    rate: share,
    defense: z.string().min(1),
    precision: summary.nullable(),
    recall: summary.nullable(),
    f1: summary.nullable(),
    auroc: summary.nullable(),
    removed: summary.nullable(),
    accuracy: summary,
  }),
);

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
