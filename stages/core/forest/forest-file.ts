import { z } from "zod";
import { StageError } from "../errors.ts";
import { FOREST_V1, parseForestV1 } from "./forest-file-v1.ts";
import { FOREST_V2, forestV2Json, parseForestV2 } from "./forest-file-v2.ts";
import type { Forest } from "./train-forest.ts";

/**
 * What sits in a poisonlab-forest model file's `forest` field: "poisonlab-forest" JSON of a version this
 * code reads. It writes version 2, compact columns (forest-file-v2.ts); it still reads version 1, JSON number
 * arrays (forest-file-v1.ts), so models trained before version 2 still evaluate and export. The same forest
 * gives the same Forest, and so the same predictions and ONNX file, from either version.
 */
export const FOREST_FORMAT = "poisonlab-forest";
export const FOREST_VERSION = FOREST_V2;

/** Each version's reader; a file's version picks one, and a version missing here is refused by name. */
const READERS: Record<number, (value: unknown, source: string) => Forest> = {
  [FOREST_V1]: parseForestV1,
  [FOREST_V2]: parseForestV2,
};

const forestHeader = z.object({
  format: z.literal(FOREST_FORMAT),
  version: z.int(),
  feature_count: z.int(),
  class_count: z.int(),
});

/** A trained forest as it goes into a model file: JSON.stringify works, and so does writing it column by column. */
export class ForestFile {
  constructor(readonly forest: Forest) {}

  toJSON() {
    return forestV2Json(this.forest);
  }

  /** The same text as JSON.stringify(this), in pieces: one per column, never the whole forest as one string. */
  *jsonChunks(): Generator<string> {
    const entries = Object.entries(this.toJSON());
    for (let i = 0; i < entries.length; i++) {
      const [key, value] = entries[i] as [string, unknown];
      yield `${i === 0 ? "{" : ","}${JSON.stringify(key)}:${JSON.stringify(value)}`;
    }
    yield "}";
  }
}

/**
 * Reads the `forest` field of a model file, of any version this code reads, after checking its counts
 * against the model's (`expected`): they size every prediction's arrays, so they are never taken on trust.
 */
export function parseForestFile(
  value: unknown,
  source: string,
  expected?: { featureCount: number; classCount: number },
): Forest {
  const header = forestHeader.safeParse(value);
  if (!header.success) {
    throw new StageError(`${source}: not a ${FOREST_FORMAT} forest:\n${z.prettifyError(header.error)}`);
  }
  const { version, feature_count: featureCount, class_count: classCount } = header.data;
  const read = READERS[version];
  if (read === undefined) {
    throw new StageError(
      `${source}: ${FOREST_FORMAT} version ${version} is not one this poisonlab reads (${Object.keys(READERS).join(", ")}); re-train with \`dvc repro train\``,
    );
  }
  if (expected !== undefined && (featureCount !== expected.featureCount || classCount !== expected.classCount)) {
    throw new StageError(
      `${source}: the forest has feature_count ${featureCount} and class_count ${classCount}, but the model has ${expected.featureCount} features and ${expected.classCount} classes`,
    );
  }
  return read(value, source);
}
