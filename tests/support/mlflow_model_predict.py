"""Loads a pushed run's MLflow Model with the MLflow Python client, for the tests:
python mlflow_model_predict.py TRACKING_URI EXPERIMENT RUN_ID TEST_CSV SCHEMA_JSON OUT.

Finds the run's LoggedModels twice (its outputs, and search_logged_models by source run), loads the one with
mlflow.pyfunc.load_model("models:/<model_id>") and predicts on the test split read as a DataFrame with the
model's dtypes (float64 for numeric columns, object for categorical ones). OUT receives JSON.
"""

import json
import sys

import mlflow
import pandas as pd

uri, experiment_name, run_id, test_csv, schema_json, out_path = sys.argv[1:7]
mlflow.set_tracking_uri(uri)
client = mlflow.MlflowClient()
experiment = client.get_experiment_by_name(experiment_name)
run = client.get_run(run_id)
outputs = [output.model_id for output in run.outputs.model_outputs]
searched = mlflow.search_logged_models(
    experiment_ids=[experiment.experiment_id], filter_string=f"source_run_id = '{run_id}'", output_format="list"
)
all_models = mlflow.search_logged_models(experiment_ids=[experiment.experiment_id], output_format="list")
model_id = outputs[0]
info = mlflow.models.get_model_info(f"models:/{model_id}")

with open(schema_json, encoding="utf-8") as file:
    schema = json.load(file)
features = schema["features"]
dtypes = {column["name"]: object for column in features if column["kind"] == "categorical"}
table = pd.read_csv(test_csv, dtype=dtypes, keep_default_na=False)
frame = pd.DataFrame({
    column["name"]: table[column["name"]].astype(object if column["kind"] == "categorical" else "float64")
    for column in features
})
model = mlflow.pyfunc.load_model(f"models:/{model_id}")
predicted = model.predict(frame)

with open(out_path, "w", encoding="utf-8") as file:
    json.dump(
        {
            "outputs": outputs,
            "searched": [[m.model_id, str(m.status)] for m in searched],
            "all_models": [m.model_id for m in all_models],
            "flavors": sorted(info.flavors),
            "loader_module": info.flavors["python_function"]["loader_module"],
            "signature_inputs": [[c.name, c.type.name] for c in info.signature.inputs.inputs],
            "labels": [str(label) for label in predicted["label"]],
            "columns": list(predicted.columns),
        },
        file,
    )
