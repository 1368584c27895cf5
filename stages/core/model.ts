import { z } from "zod";
import type { Row, Schema } from "./dataset.ts";
import { StageError } from "./errors.ts";
import { loadPoisonlabForest, trainPoisonlabForest } from "./forest/engine.ts";
import type { JobRunner } from "./forest/forest-predict.ts";
import { type FeatureMatrix, matrixFromRows, matrixRows } from "./forest/matrix.ts";
import { loadMljsForest, trainMljsForest } from "./forest-mljs.ts";
import { checkMljsForest } from "./forest-mljs-file.ts";
import { type TrainParams, trainParams } from "./params.ts";
import { schemaShape } from "./schema-file.ts";

/** The counts a loaded forest must agree with: the model file's feature and class lists. */
interface ForestShape {
  featureCount: number;
  classCount: number;
}

/** What every engine gives downstream stages: class probabilities as averaged tree votes. */
export interface Classifier {
  classCount: number;
  probabilities(features: number[][]): number[][];
  /** The most probable class of each row, ties to the lower class, where an engine has a faster way than probabilities. */
  labels?(features: number[][]): number[];
}

export const MODEL_FORMAT = "poisonlab-model";
// Version 2 carries the data set's schema: feature kinds and categories, the label column and its classes.
export const MODEL_VERSION = 2;

/** The versioned model file: an envelope that says which engine wrote the forest and with which params. */
const modelFile = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  engine: trainParams.shape.engine,
  ...schemaShape,
  params: trainParams,
  forest: z.unknown(),
});
export type ModelFile = z.infer<typeof modelFile>;

type Engine = TrainParams["engine"];

/** How each engine trains and loads; an engine added to ENGINES without an entry here is a type error. */
const ENGINE_ENTRIES: Record<
  Engine,
  {
    train(data: readonly Row[] | FeatureMatrix, params: TrainParams, classCount: number): unknown;
    /** Loads a forest after checking it against the envelope's feature and class counts. */
    load(forest: unknown, source: string, expected: ForestShape, run?: JobRunner): Classifier;
  }
> = {
  "ml-random-forest": {
    train: (data, params) => {
      const features = "columns" in data ? matrixRows(data) : data.map((row) => row.features);
      const labels = "columns" in data ? Array.from(data.labels) : data.map((row) => row.label);
      return trainMljsForest(features, labels, params);
    },
    load: (forest, source, expected) => loadMljsForest(checkMljsForest(forest, expected, source), expected),
  },
  "poisonlab-forest": {
    train: (data, params, classCount) =>
      trainPoisonlabForest("columns" in data ? data : matrixFromRows(data, classCount), params),
    load: (forest, source, expected, run) => loadPoisonlabForest(forest, expected, source, run),
  },
};

/** Trains the engine that params.engine names, in this thread, on rows or on a column matrix. */
export function trainModel(data: readonly Row[] | FeatureMatrix, params: TrainParams, schema: Schema): ModelFile {
  return wrapModel(params, schema, ENGINE_ENTRIES[params.engine].train(data, params, schema.classes.length));
}

/** The envelope around an engine's forest (its JSON value, or an object with toJSON), with the data's schema. */
export function wrapModel(params: TrainParams, schema: Schema, forest: unknown): ModelFile {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    engine: params.engine,
    features: schema.features,
    label: schema.label,
    classes: schema.classes,
    params: withoutExactBins(params),
    forest,
  };
}

/** The params as the model file records them: max_bins only when set, so exact models read as before it existed. */
function withoutExactBins(params: TrainParams): TrainParams {
  const { max_bins, ...others } = params;
  return max_bins == null ? others : params;
}

/**
 * The model file's text, JSON.stringify's output plus a newline, in pieces: a forest that can write
 * itself tree by tree (poisonlab-forest's) never becomes one string, whatever its size.
 */
export function* modelFileText(model: ModelFile): Generator<string> {
  const { forest, ...envelope } = model;
  yield `${JSON.stringify(envelope).slice(0, -1)},"forest":`;
  if (hasJsonChunks(forest)) yield* forest.jsonChunks();
  else yield JSON.stringify(forest);
  yield "}\n";
}

function hasJsonChunks(value: unknown): value is { jsonChunks(): Iterable<string> } {
  return (
    typeof value === "object" && value !== null && typeof (value as { jsonChunks?: unknown }).jsonChunks === "function"
  );
}

/**
 * Reads a model file, checked whole before use: the envelope, then the forest against the envelope's feature
 * and class counts, and those against the data it will score (`dataFeatureCount`, when given).
 */
export function loadModel(value: unknown, source: string, dataFeatureCount?: number): Classifier {
  return loadModelFile(value, source, dataFeatureCount).classifier;
}

/**
 * The classifier in a model file, and the schema it was trained on: prediction encodes data with it.
 * `run` walks a poisonlab-forest's predictions (stages/shell/forest-predict-pool.ts: on worker threads); by
 * default in this thread.
 */
export function loadModelFile(
  value: unknown,
  source: string,
  dataFeatureCount?: number,
  run?: JobRunner,
): { classifier: Classifier; schema: Schema } {
  const { engine, forest, features, label, classes } = parseModelFile(value, source, dataFeatureCount);
  // The forest is checked against the envelope's counts: every size it holds is bounded by the file's bytes.
  const shape = { featureCount: features.length, classCount: classes.length };
  const classifier = ENGINE_ENTRIES[engine].load(forest, source, shape, run);
  return { classifier, schema: { features, label, classes } };
}

/** A model file's envelope, checked; its forest is left to the engine's reader, which checks it against the envelope. */
export function parseModelFile(value: unknown, source: string, dataFeatureCount?: number): ModelFile {
  const parsed = modelFile.safeParse(value);
  if (!parsed.success) {
    throw new StageError(`${source}: not a ${MODEL_FORMAT} v${MODEL_VERSION} file:\n${z.prettifyError(parsed.error)}`);
  }
  const { features, classes } = parsed.data;
  if (dataFeatureCount !== undefined && dataFeatureCount !== features.length) {
    throw new StageError(
      `${source}: the model takes ${features.length} features, but the data has ${dataFeatureCount}`,
    );
  }
  if (new Set(features.map((feature) => feature.name)).size !== features.length) {
    throw new StageError(`${source}: feature names must be unique`);
  }
  if (new Set(classes).size !== classes.length) throw new StageError(`${source}: class names must be unique`);
  return parsed.data;
}

/** The most probable class of each row; ties go to the lower class index. */
export function predictLabels(classifier: Classifier, features: number[][]): number[] {
  if (classifier.labels !== undefined) return classifier.labels(features);
  return classifier.probabilities(features).map((shares) => shares.indexOf(Math.max(...shares)));
}
