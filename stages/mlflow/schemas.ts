/**
 * zod schemas of the MLflow REST answers the client reads. MLflow leaves out empty fields (an empty list,
 * an empty string), so every list and most strings default. Unknown fields are allowed: servers add some.
 */
import { z } from "zod";

const keyValue = z.object({ key: z.string(), value: z.string().default("") });

// MLflow writes NaN and infinities as strings.
const metric = z.object({
  key: z.string(),
  value: z.union([z.number(), z.string()]),
  timestamp: z.number().optional(),
  step: z.number().default(0),
});

export const experiment = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().default("active"),
});

export const runInfo = z.object({
  run_id: z.string(),
  experiment_id: z.string(),
  run_name: z.string().default(""),
  status: z.string(),
  start_time: z.number().optional(),
  end_time: z.number().optional(),
  artifact_uri: z.string().default(""),
  lifecycle_stage: z.string().default("active"),
});

export const runData = z.object({
  metrics: z.array(metric).default([]),
  params: z.array(keyValue).default([]),
  tags: z.array(keyValue).default([]),
});

// MLflow 3: the LoggedModels a run produced (runs/outputs).
export const runOutputs = z.object({
  model_outputs: z.array(z.object({ model_id: z.string(), step: z.number().default(0) })).default([]),
});

export const run = z.object({
  info: runInfo,
  data: runData.default({ metrics: [], params: [], tags: [] }),
  outputs: runOutputs.default({ model_outputs: [] }),
});

/** MLflow 3's LoggedModel: a model with its own id and artifact location, linked to the run that made it. */
export const loggedModelInfo = z.object({
  model_id: z.string(),
  experiment_id: z.string(),
  name: z.string().default(""),
  creation_timestamp_ms: z.number().default(0),
  artifact_uri: z.string(),
  status: z.string().default("LOGGED_MODEL_STATUS_UNSPECIFIED"),
  source_run_id: z.string().default(""),
});
export const loggedModel = z.object({ info: loggedModelInfo });
export const loggedModelResponse = z.object({ model: loggedModel });
export const searchLoggedModelsResponse = z.object({
  models: z.array(loggedModel).default([]),
  next_page_token: z.string().optional(),
});

export const getExperimentResponse = z.object({ experiment });
export const createExperimentResponse = z.object({ experiment_id: z.string() });
export const runResponse = z.object({ run });
export const searchRunsResponse = z.object({
  runs: z.array(run).default([]),
  next_page_token: z.string().optional(),
});
export const updateRunResponse = z.object({ run_info: runInfo });
export const emptyResponse = z.object({});
export const listArtifactsResponse = z.object({
  root_uri: z.string().optional(),
  files: z
    .array(z.object({ path: z.string(), is_dir: z.boolean().default(false), file_size: z.number().optional() }))
    .default([]),
  next_page_token: z.string().optional(),
});

export type Experiment = z.infer<typeof experiment>;
export type RunInfo = z.infer<typeof runInfo>;
export type RunData = z.infer<typeof runData>;
export type Run = z.infer<typeof run>;
export type LoggedModel = z.infer<typeof loggedModel>;
export type ArtifactFile = z.infer<typeof listArtifactsResponse>["files"][number];
