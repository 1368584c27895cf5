import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { type MlflowModelSpec, mlflowModelFiles, requirementPins } from "../../stages/core/mlflow-model.ts";
import { pythonUtcTime } from "../../stages/mlflow/push-run.ts";

const spec: MlflowModelSpec = {
  modelId: "m-0123abcd",
  artifactLocation: "mlflow-artifacts:/1/models/m-0123abcd/artifacts",
  runId: "0f0f",
  created: "2026-01-02 03:04:05.678000",
  schema: {
    features: [
      { name: "weight", kind: "numeric" },
      { name: "colour", kind: "categorical", categories: ["black", "white"] },
    ],
    classes: ["cat", "dog"],
  },
  exampleRows: [
    ["1.5", "black"],
    ["NA", "grey, dark"],
  ],
  requirements: { mlflow: "3.17.2", onnx: "1.23.2", onnxruntime: "1.32.0", python: "3.11" },
  onnx: new Uint8Array([8, 7, 0, 1]),
};

const text = (files: ReturnType<typeof mlflowModelFiles>, path: string): string =>
  new TextDecoder().decode(files.find((file) => file.path === path)?.bytes);

describe("the MLflow Model writer", () => {
  const files = mlflowModelFiles(spec);

  it("writes MLflow's files, the ONNX model byte for byte", () => {
    assert.deepEqual(
      files.map((file) => file.path),
      [
        "MLmodel",
        "model.onnx",
        "requirements.txt",
        "python_env.yaml",
        "conda.yaml",
        "input_example.json",
        "serving_input_example.json",
      ],
    );
    assert.deepEqual(files[1]?.bytes, spec.onnx);
  });

  it("MLmodel has the onnx flavor, a python_function entry through mlflow.onnx, the ids and the signature", () => {
    const mlmodel = parse(text(files, "MLmodel"));
    assert.deepEqual(mlmodel.flavors, {
      onnx: {
        code: null,
        data: "model.onnx",
        onnx_session_options: null,
        onnx_version: "1.23.2",
        providers: ["CPUExecutionProvider"],
      },
      python_function: {
        data: "model.onnx",
        env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
        loader_module: "mlflow.onnx",
        python_version: "3.11",
      },
    });
    assert.equal(mlmodel.artifact_path, spec.artifactLocation);
    assert.equal(mlmodel.model_id, "m-0123abcd");
    assert.equal(mlmodel.model_uuid, "m-0123abcd");
    assert.equal(mlmodel.run_id, "0f0f");
    assert.equal(mlmodel.mlflow_version, "3.17.2");
    assert.equal(mlmodel.utc_time_created, "2026-01-02 03:04:05.678000");
    assert.deepEqual(JSON.parse(mlmodel.signature.inputs), [
      { type: "double", name: "weight", required: true },
      { type: "string", name: "colour", required: true },
    ]);
    assert.deepEqual(JSON.parse(mlmodel.signature.outputs), [
      { type: "string", name: "label", required: true },
      { type: "double", name: "probability_cat", required: true },
      { type: "double", name: "probability_dog", required: true },
    ]);
    assert.deepEqual(mlmodel.saved_input_example_info, {
      artifact_path: "input_example.json",
      pandas_orient: "split",
      serving_input_path: "serving_input_example.json",
      type: "dataframe",
    });
  });

  it("writes the pins into requirements.txt, python_env.yaml and conda.yaml", () => {
    assert.equal(text(files, "requirements.txt"), "mlflow==3.17.2\nonnx==1.23.2\nonnxruntime==1.32.0\n");
    const env = parse(text(files, "python_env.yaml"));
    assert.equal(env.python, "3.11");
    assert.deepEqual(env.dependencies, ["-r requirements.txt"]);
    const conda = parse(text(files, "conda.yaml"));
    assert.deepEqual(conda.dependencies, [
      "python=3.11",
      "pip",
      { pip: ["mlflow==3.17.2", "onnx==1.23.2", "onnxruntime==1.32.0"] },
    ]);
  });

  it("writes the input example in pandas' split orient: numbers (null when missing), categories raw", () => {
    const example = {
      columns: ["weight", "colour"],
      data: [
        [1.5, "black"],
        [null, "grey, dark"],
      ],
    };
    assert.deepEqual(JSON.parse(text(files, "input_example.json")), example);
    assert.deepEqual(JSON.parse(text(files, "serving_input_example.json")), { dataframe_split: example });
  });

  it("is deterministic: the same spec gives the same bytes", () => {
    assert.deepEqual(mlflowModelFiles(spec), files);
  });

  it("refuses an example row without a field for a column", () => {
    assert.throws(
      () => mlflowModelFiles({ ...spec, exampleRows: [["1.5"]] }),
      /input example row 1 has no field for colour/,
    );
  });
});

describe("requirement pins", () => {
  it("reads name==version lines, with extras and comments", () => {
    const file = "# MLflow\nmlflow[auth]==3.17.2\nonnx==1.23.2  # the format\nonnxruntime == 1.32.0\n";
    assert.deepEqual(requirementPins(file, "requirements-mlflow.txt"), {
      mlflow: "3.17.2",
      onnx: "1.23.2",
      onnxruntime: "1.32.0",
    });
  });

  it("names the file and the package when a pin is missing", () => {
    assert.throws(
      () => requirementPins("mlflow==3.17.2\nonnx>=1\n", "requirements-mlflow.txt"),
      /requirements-mlflow\.txt: no pinned version \(onnx==\.\.\.\) of onnx/,
    );
  });
});

describe("utc_time_created", () => {
  it("is the run's start time as Python prints a UTC datetime", () => {
    assert.equal(pythonUtcTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), "2026-01-02 03:04:05.678000");
  });
});
