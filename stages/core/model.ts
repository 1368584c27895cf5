import { z } from "zod";
import { CLASSES, FEATURES, type Row } from "./dataset.ts";
import { StageError } from "./errors.ts";
import { loadMljsForest, trainMljsForest } from "./forest-mljs.ts";
import { type TrainParams, trainParams } from "./params.ts";

/** What every engine gives downstream stages: class probabilities as averaged tree votes. */
export interface Classifier {
  classCount: number;
  probabilities(features: number[][]): number[][];
}

export const MODEL_FORMAT = "poisonlab-model";
export const MODEL_VERSION = 1;

/** The versioned model file: an envelope that says which engine wrote the forest and with which params. */
const modelFile = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  engine: trainParams.shape.engine,
  features: z.array(z.string()),
  classes: z.array(z.string()),
  params: trainParams,
  forest: z.unknown(),
});
export type ModelFile = z.infer<typeof modelFile>;

export function trainModel(rows: readonly Row[], params: TrainParams): ModelFile {
  const features = rows.map((row) => row.features);
  const labels = rows.map((row) => row.label);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    engine: params.engine,
    features: [...FEATURES],
    classes: [...CLASSES],
    params,
    forest: trainMljsForest(features, labels, params),
  };
}

export function loadModel(value: unknown, source: string): Classifier {
  const parsed = modelFile.safeParse(value);
  if (!parsed.success) {
    throw new StageError(`${source}: not a ${MODEL_FORMAT} v${MODEL_VERSION} file:\n${z.prettifyError(parsed.error)}`);
  }
  if (parsed.data.classes.join(",") !== CLASSES.join(",") || parsed.data.features.join(",") !== FEATURES.join(",")) {
    throw new StageError(`${source}: the model was trained on other columns or classes than this pipeline's`);
  }
  return loadMljsForest(parsed.data.forest, parsed.data.classes.length);
}

/** The most probable class of each row; ties go to the lower class index. */
export function predictLabels(classifier: Classifier, features: number[][]): number[] {
  return classifier.probabilities(features).map((shares) => shares.indexOf(Math.max(...shares)));
}
