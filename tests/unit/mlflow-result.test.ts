import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StageError } from "../../stages/core/errors.ts";
import { assembleResult } from "../../stages/mlflow/assemble-result.ts";
import { pushedFiles } from "../../stages/mlflow/pushed-files.ts";
import {
  buildResult,
  collectMetrics,
  contentKey,
  flattenParams,
  provenanceTags,
  runName,
} from "../../stages/mlflow/result.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("flattenParams", () => {
  it("joins nested keys with dots, prints values as YAML would, lists as JSON, and leaves out the mlflow section", () => {
    const document = {
      poison: { method: "label_flip", rate: 0.1, seed: 7 },
      train: { max_depth: null, bootstrap: true, forest: { n_estimators: 100 } },
      defense: { method: ["label", "knn"] },
      mlflow: { enabled: true, tracking_uri: "http://127.0.0.1:5000" },
    };
    assert.deepEqual(flattenParams(document), {
      "defense.method": '["label","knn"]',
      "poison.method": "label_flip",
      "poison.rate": "0.1",
      "poison.seed": "7",
      "train.bootstrap": "true",
      "train.forest.n_estimators": "100",
      "train.max_depth": "null",
    });
  });

  it("rejects a params file that is not a mapping", () => {
    assert.throws(() => flattenParams([1, 2]), StageError);
  });
});

describe("collectMetrics", () => {
  it("keeps every finite number with its dotted path; the primary file unprefixed, others under their stem", () => {
    const metrics = collectMetrics([
      {
        path: "metrics/evaluate.json",
        json: { accuracy: 0.9, per_class: { setosa: { f1: 1, name: "setosa" } }, ok: true, curve: [0.5, 0.7] },
      },
      { path: "metrics/sanitize.json", json: { precision: 0.8, method: "knn" } },
    ]);
    assert.deepEqual(metrics, {
      accuracy: 0.9,
      "curve.0": 0.5,
      "curve.1": 0.7,
      "per_class.setosa.f1": 1,
      "sanitize.precision": 0.8,
    });
  });

  it("refuses two files that define the same metric", () => {
    assert.throws(
      () =>
        collectMetrics([
          { path: "metrics/evaluate.json", json: { "sanitize.precision": 1 } },
          { path: "metrics/sanitize.json", json: { precision: 0.8 } },
        ]),
      /metrics\/sanitize\.json: metric "sanitize\.precision" is also defined/,
    );
  });
});

describe("runName", () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ "poison.method": "label_flip", "poison.rate": "0.1" }, "label_flip-10pct"],
    [{ "poison.method": "label_flip", "poison.rate": "0.05" }, "label_flip-5pct"],
    [{ "poison.method": "feature_noise", "poison.rate": "0" }, "feature_noise-0pct"],
    [{ "poison.method": "inject", "poison.rate": "0.125" }, "inject-12.5pct"],
    [{ "poison.method": "label_flip", "poison.rate": "0.5", "defense.method": "none" }, "label_flip-50pct"],
    [{ "poison.method": "label_flip", "poison.rate": "0.5", "defense.method": "knn" }, "label_flip-50pct-knn"],
    [
      { "poison.method": "label_flip", "poison.rate": "0.5", "defense.method": '["label","knn"]' },
      "label_flip-50pct-label+knn",
    ],
    [{ "train.seed": "1" }, "poisonlab"],
  ];
  for (const [params, expected] of cases) {
    it(`${JSON.stringify(params)} -> ${expected}`, () => assert.equal(runName(params), expected));
  }
});

describe("contentKey", () => {
  const base = () =>
    buildResult(
      { poison: { rate: 0.1 }, mlflow: { enabled: false } },
      [{ path: "metrics/evaluate.json", json: { accuracy: 0.9 } }],
      [
        { path: "metrics/evaluate.json", bytes: bytes('{"accuracy":0.9}') },
        { path: "models/model.json", bytes: bytes("model-a") },
        { path: "params.yaml", bytes: bytes("poison:\n  rate: 0.1\nmlflow:\n  enabled: false\n") },
      ],
    );

  it("is a stable SHA-256 for the same result", () => {
    assert.match(contentKey(base()), /^[0-9a-f]{64}$/);
    assert.equal(contentKey(base()), contentKey(base()));
  });

  it("ignores the push's own settings and file order", () => {
    const enabled = base();
    enabled.params = flattenParams({ poison: { rate: 0.1 }, mlflow: { enabled: true, experiment: "other" } });
    enabled.files = [...enabled.files]
      .reverse()
      .map((file) => (file.path === "params.yaml" ? { ...file, bytes: bytes("mlflow:\n  enabled: true\n") } : file));
    assert.equal(contentKey(enabled), contentKey(base()));
  });

  it("changes with a param, a metric or the bytes of a file", () => {
    const keys = new Set([contentKey(base())]);
    const param = base();
    param.params = { "poison.rate": "0.2" };
    keys.add(contentKey(param));
    const metric = base();
    metric.metrics = { accuracy: 0.8 };
    keys.add(contentKey(metric));
    const model = base();
    model.files = model.files.map((file) =>
      file.path === "models/model.json" ? { ...file, bytes: bytes("model-b") } : file,
    );
    keys.add(contentKey(model));
    assert.equal(keys.size, 4);
  });
});

describe("provenanceTags", () => {
  it("names the commit and the DVC experiment, leaving out what is unknown", () => {
    assert.deepEqual(provenanceTags({ gitCommit: "abc", expName: "lucky-fish", baselineRev: "", expRev: undefined }), {
      "mlflow.source.git.commit": "abc",
      "dvc.exp_name": "lucky-fish",
    });
  });
});

const DVC_YAML = {
  stages: {
    train: { deps: ["stages/train.ts"], outs: ["models/model.json"] },
    evaluate: {
      deps: ["models/model.json"],
      metrics: [{ "metrics/evaluate.json": { cache: false } }],
      plots: [{ "metrics/confusion.json": { template: "confusion" } }],
    },
    study: { metrics: ["metrics/study.json"] },
    push: {
      deps: [
        "stages/push.ts",
        "stages/core",
        "package-lock.json",
        "metrics/evaluate.json",
        "metrics/confusion.json",
        "models/model.json",
      ],
    },
  },
};

describe("pushedFiles", () => {
  it("sends the push stage's deps that another stage writes, metrics apart; never code, never other stages' files", () => {
    assert.deepEqual(pushedFiles(DVC_YAML, "push"), {
      metrics: ["metrics/evaluate.json"],
      others: ["metrics/confusion.json", "models/model.json"],
    });
  });

  it("names a missing push stage", () => {
    assert.throws(
      () => pushedFiles({ stages: {} }, "push", "dvc.yaml at abc"),
      /dvc\.yaml at abc: there is no stage "push"/,
    );
  });
});

describe("assembleResult", () => {
  const files: Record<string, string> = {
    "dvc.yaml": JSON.stringify(DVC_YAML),
    "params.yaml": "poison:\n  method: label_flip\n  rate: 0.1\nmlflow:\n  enabled: true\n",
    "metrics/evaluate.json": '{"accuracy": 0.9}',
    "metrics/confusion.json": "[]",
    "models/model.json": "{}",
  };
  const read = (path: string): Uint8Array => {
    const text = files[path];
    if (text === undefined) throw new StageError(`${path}: missing`);
    return bytes(text);
  };

  it("gathers params, metrics and the files to upload through the given reader", () => {
    const result = assembleResult(read, { dvcYaml: "dvc.yaml", pushStage: "push", params: "params.yaml" });
    assert.deepEqual(result.params, { "poison.method": "label_flip", "poison.rate": "0.1" });
    assert.deepEqual(result.metrics, { accuracy: 0.9 });
    assert.deepEqual(
      result.files.map((file) => file.path),
      ["metrics/evaluate.json", "metrics/confusion.json", "models/model.json", "params.yaml"],
    );
  });

  it("names the file and where it was read when a metrics file is not JSON", () => {
    const broken = (path: string) => (path === "metrics/evaluate.json" ? bytes("{oops") : read(path));
    assert.throws(
      () =>
        assembleResult(
          broken,
          { dvcYaml: "dvc.yaml", pushStage: "push", params: "params.yaml" },
          (path) => `${path} at exp-1`,
        ),
      /metrics\/evaluate\.json at exp-1: not valid JSON/,
    );
  });
});
