/** Every file the stages read or write, relative to the repo root; dvc.yaml lists the same paths. */
export const PATHS = {
  params: "params.yaml",
  raw: "data/raw/iris.csv",
  trainClean: "data/prepared/train.csv",
  test: "data/prepared/test.csv",
  trainPoisoned: "data/poisoned/train.csv",
  manifest: "data/poisoned/manifest.json",
  model: "models/model.json",
  metrics: "metrics/evaluate.json",
  confusion: "metrics/confusion.json",
} as const;
