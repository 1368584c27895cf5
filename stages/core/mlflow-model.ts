/**
 * The files of an MLflow Model directory for the exported ONNX model, as MLflow's `mlflow.onnx.log_model`
 * lays them out: MLmodel (the `onnx` flavor and a `python_function` entry that loads through mlflow.onnx),
 * the environment files, and an input example of a few test rows. Everything comes from the arguments:
 * the one timestamp MLflow requires (utc_time_created) is the caller's, the run's start time, so a push that
 * is resumed writes the same bytes again.
 */
import type { Schema } from "./dataset.ts";
import { StageError } from "./errors.ts";
import { decimalValue } from "./values.ts";

/** Pinned versions of the packages the model loads with (from requirements-mlflow.txt) and of Python. */
export interface ModelRequirements {
  mlflow: string;
  onnx: string;
  onnxruntime: string;
  python: string;
}

export interface MlflowModelSpec {
  modelId: string; // the LoggedModel's id (m-...)
  artifactLocation: string; // where its artifacts live; MLflow writes it as artifact_path
  runId: string;
  created: string; // utc_time_created as Python prints a UTC datetime: `2026-01-02 03:04:05.678000`
  schema: Pick<Schema, "features" | "classes">;
  exampleRows: readonly (readonly string[])[]; // test rows' feature fields, raw, in schema order
  requirements: ModelRequirements;
  onnx: Uint8Array; // models/model.onnx as the export stage wrote it
}

export interface ModelFile {
  path: string;
  bytes: Uint8Array;
}

export const ONNX_FILE = "model.onnx";
const PACKAGES = ["mlflow", "onnx", "onnxruntime"] as const;

/** The directory's files, MLmodel first; paths are relative to the model's artifact root. */
export function mlflowModelFiles(spec: MlflowModelSpec): ModelFile[] {
  const text = (path: string, content: string): ModelFile => ({ path, bytes: new TextEncoder().encode(content) });
  const example = inputExample(spec);
  return [
    text("MLmodel", mlmodelYaml(spec)),
    { path: ONNX_FILE, bytes: spec.onnx },
    text("requirements.txt", requirementsTxt(spec.requirements)),
    text("python_env.yaml", pythonEnvYaml(spec.requirements)),
    text("conda.yaml", condaYaml(spec.requirements)),
    text("input_example.json", JSON.stringify(example)),
    text("serving_input_example.json", `${JSON.stringify({ dataframe_split: example }, null, 2)}\n`),
  ];
}

/** The signature's columns: inputs by feature (double or string), outputs the label and one probability per class. */
export function signatureColumns(schema: MlflowModelSpec["schema"]): { inputs: Column[]; outputs: Column[] } {
  return {
    inputs: schema.features.map(
      (column): Column => ({
        type: column.kind === "numeric" ? "double" : "string",
        name: column.name,
        required: true,
      }),
    ),
    outputs: [
      { type: "string", name: "label", required: true },
      ...schema.classes.map((name): Column => ({ type: "double", name: `probability_${name}`, required: true })),
    ],
  };
}

interface Column {
  type: "double" | "string";
  name: string;
  required: true;
}

/**
 * MLmodel in MLflow's own form: keys sorted, as yaml.safe_dump writes them; the signature's columns as
 * JSON strings with Python's separators. Fields MLflow fills from the Python process it runs in
 * (model_size_bytes, databricks_runtime, env_vars) are left out: they are optional.
 */
export function mlmodelYaml(spec: MlflowModelSpec): string {
  const { inputs, outputs } = signatureColumns(spec.schema);
  const { mlflow, onnx, python } = spec.requirements;
  return [
    `artifact_path: ${yamlString(spec.artifactLocation)}`,
    "flavors:",
    "  onnx:",
    "    code: null",
    `    data: ${ONNX_FILE}`,
    "    onnx_session_options: null",
    `    onnx_version: ${yamlString(onnx)}`,
    "    providers:",
    // The forest is a tree ensemble: ONNX Runtime runs it on the CPU only.
    "    - CPUExecutionProvider",
    "  python_function:",
    `    data: ${ONNX_FILE}`,
    "    env:",
    "      conda: conda.yaml",
    "      virtualenv: python_env.yaml",
    "    loader_module: mlflow.onnx",
    `    python_version: ${yamlString(python)}`,
    "is_signature_from_type_hint: false",
    `mlflow_version: ${yamlString(mlflow)}`,
    `model_id: ${yamlString(spec.modelId)}`,
    `model_uuid: ${yamlString(spec.modelId)}`,
    "prompts: null",
    `run_id: ${yamlString(spec.runId)}`,
    "saved_input_example_info:",
    "  artifact_path: input_example.json",
    "  pandas_orient: split",
    "  serving_input_path: serving_input_example.json",
    "  type: dataframe",
    "signature:",
    `  inputs: ${yamlString(pythonJson(inputs))}`,
    `  outputs: ${yamlString(pythonJson(outputs))}`,
    "  params: null",
    "type_hint_from_example: false",
    `utc_time_created: ${yamlString(spec.created)}`,
    "",
  ].join("\n");
}

export function requirementsTxt(requirements: ModelRequirements): string {
  return `${PACKAGES.map((name) => `${name}==${requirements[name]}`).join("\n")}\n`;
}

export function pythonEnvYaml(requirements: ModelRequirements): string {
  return [
    `python: ${yamlString(requirements.python)}`,
    "build_dependencies:",
    "- pip",
    "- setuptools",
    "- wheel",
    "dependencies:",
    "- -r requirements.txt",
    "",
  ].join("\n");
}

export function condaYaml(requirements: ModelRequirements): string {
  return [
    "channels:",
    "- conda-forge",
    "dependencies:",
    `- python=${requirements.python}`,
    "- pip",
    "- pip:",
    ...PACKAGES.map((name) => `  - ${name}==${requirements[name]}`),
    "name: mlflow-env",
    "",
  ].join("\n");
}

/** pandas' split orient: numbers for numeric columns (null when missing), the raw text for categorical ones. */
export function inputExample(spec: Pick<MlflowModelSpec, "schema" | "exampleRows">): {
  columns: string[];
  data: Array<Array<number | string | null>>;
} {
  const { features } = spec.schema;
  return {
    columns: features.map((column) => column.name),
    data: spec.exampleRows.map((fields, row) =>
      features.map((column, i) => {
        const field = fields[i];
        if (field === undefined) throw new StageError(`input example row ${row + 1} has no field for ${column.name}`);
        if (column.kind === "categorical") return field;
        const value = decimalValue(field);
        return Number.isNaN(value) ? null : value;
      }),
    ),
  };
}

/**
 * Pins read from a requirements file (`name==version` lines; comments and extras allowed), for the
 * packages the model needs. A missing pin is an error naming the file.
 */
export function requirementPins(text: string, source: string): Omit<ModelRequirements, "python"> {
  const pins = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*==\s*([^\s#;]+)/.exec(line);
    if (match) pins.set((match[1] as string).toLowerCase(), match[2] as string);
  }
  const pin = (name: (typeof PACKAGES)[number]): string => {
    const version = pins.get(name);
    if (version === undefined) throw new StageError(`${source}: no pinned version (${name}==...) of ${name}`);
    return version;
  };
  return { mlflow: pin("mlflow"), onnx: pin("onnx"), onnxruntime: pin("onnxruntime") };
}

/** JSON as Python's json.dumps writes it by default (", " and ": "), for flat objects in a list. */
function pythonJson(columns: Column[]): string {
  const object = (column: Column) =>
    `{${Object.entries(column)
      .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(", ")}}`;
  return `[${columns.map(object).join(", ")}]`;
}

/** A YAML scalar: a JSON string is valid YAML and always read back as a string. */
function yamlString(value: string): string {
  return JSON.stringify(value);
}
