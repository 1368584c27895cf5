"""Scores an ONNX model with ONNX Runtime for the tests: python onnx_predict.py MODEL FEEDS OUT.

FEEDS is JSON, {input name: list of values}; numbers go in as float64 and strings as numpy object arrays,
the types the model's inputs declare. The model must pass onnx.checker.check_model (full_check) first.
OUT receives JSON: {"inputs": [[name, type], ...], "outputs": {name: list of values}}; Python writes floats
in their shortest round-trip form, so the numbers compared are exactly the ones ONNX Runtime computed.
"""

import json
import sys

import numpy as np
import onnx
import onnxruntime

model_path, feeds_path, out_path = sys.argv[1:4]
onnx.checker.check_model(onnx.load(model_path), full_check=True)
session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
with open(feeds_path, encoding="utf-8") as file:
    values = json.load(file)
feeds = {}
for model_input in session.get_inputs():
    dtype = object if model_input.type == "tensor(string)" else np.float64
    feeds[model_input.name] = np.array(values[model_input.name], dtype=dtype)
names = [output.name for output in session.get_outputs()]
results = session.run(names, feeds)
with open(out_path, "w", encoding="utf-8") as file:
    json.dump(
        {
            "inputs": [[model_input.name, model_input.type] for model_input in session.get_inputs()],
            "outputs": {name: result.tolist() for name, result in zip(names, results)},
        },
        file,
    )
