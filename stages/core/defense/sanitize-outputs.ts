import type { z } from "zod";
import { className, type Row, type Schema } from "../dataset.ts";
import { StageError } from "../errors.ts";
import { manifestFile, parseManifestFile } from "../manifest-file.ts";
import type { DefenseParams } from "../params.ts";
import type { Detection } from "./detect.ts";
import { type DetectionScores, scoreDetection } from "./detection-metrics.ts";

/** The part of the poison manifest scoring needs: which rows of the poisoned table were attacked. */
const manifestRows = manifestFile.pick({ rows_out: true, rows: true });
export type ManifestRows = z.infer<typeof manifestRows>;

/** Validates the manifest against the table it describes; a mismatch is a StageError naming the file. */
export function parseManifestRows(value: unknown, rowCount: number, source: string): ManifestRows {
  const manifest = parseManifestFile(value, source, manifestRows);
  if (manifest.rows_out !== rowCount) {
    throw new StageError(`${source}: rows_out = ${manifest.rows_out}, but the poisoned table has ${rowCount} rows`);
  }
  const outside = manifest.rows.find(({ row }) => row >= rowCount);
  if (outside) throw new StageError(`${source}: row ${outside.row} is outside the poisoned table of ${rowCount} rows`);
  // A row listed twice would count twice in the detection scores.
  const seen = new Set<number>();
  for (const { row } of manifest.rows) {
    if (seen.has(row)) throw new StageError(`${source}: row ${row} is listed twice`);
    seen.add(row);
  }
  return manifest;
}

export interface SanitizeMetrics extends DetectionScores {
  method: string;
  rows_kept: number;
  /** The same figures for each detector alone, when several ran. */
  detectors: Record<string, DetectionScores>;
}

/** metrics/sanitize.json: the detection scored against the manifest, overall and per detector. */
export function sanitizeMetrics(params: DefenseParams, detection: Detection, manifest: ManifestRows): SanitizeMetrics {
  const scored = scoreDetection(detection.flags, detection.scores, manifest.rows);
  // With no detector there is no score to rank by, so no AUROC (constant scores would claim 0.5).
  const overall = detection.detectors.length === 0 ? { ...scored, auroc: null } : scored;
  const detectors = Object.fromEntries(
    Object.entries(detection.byDetector).map(([name, result]) => [
      name,
      scoreDetection(result.flags, result.scores, manifest.rows),
    ]),
  );
  return {
    method: Array.isArray(params.method) ? params.method.join("+") : String(params.method),
    ...overall,
    rows_kept: overall.rows - overall.removed,
    detectors: detection.detectors.length > 1 ? detectors : {},
  };
}

/**
 * metrics/sanitize.json: the few figures a table of runs needs. The counts and the per-detector scores stay in
 * the details file (sanitizeMetrics), committed beside it but not a DVC metric.
 */
export function sanitizeHeadline(metrics: SanitizeMetrics) {
  return {
    defense_method: metrics.method,
    removed: metrics.removed,
    rows_kept: metrics.rows_kept,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    auroc: metrics.auroc,
  };
}

/**
 * data/sanitized/flags.json: every row's score (and each detector's), whether it was removed, and why. With no
 * detector (`none`) there is nothing to list per row, and a million rows of zeros would only cost memory, so
 * `rows` may then be empty.
 */
export function flagsFile(params: DefenseParams, schema: Schema, rows: readonly Row[], detection: Detection) {
  return {
    method: params.method,
    rows: detection.flags.length,
    flagged: detection.flags.filter(Boolean).length,
    scores: (detection.detectors.length === 0 ? [] : rows).map((row, i) => ({
      row: i,
      flagged: detection.flags[i] === true,
      score: detection.scores[i] ?? 0,
      given: className(schema, row.label),
      // The label check's most probable class (out of fold): what the given label perhaps should be.
      ...(detection.suggested ? { suggested: className(schema, detection.suggested[i] as number) } : {}),
      detectors: Object.fromEntries(
        Object.entries(detection.byDetector).map(([name, result]) => [
          name,
          { score: result.scores[i], flagged: result.flags[i] },
        ]),
      ),
    })),
  };
}
