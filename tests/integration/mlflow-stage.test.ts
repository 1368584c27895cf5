/**
 * The push stage under the real dvc CLI, in a throw-away copy of this repository, against a real
 * `mlflow server`: off by default, one run per result, nothing on a repeat, a new run for a new rate, and a
 * stopped server failing the stage (so DVC does not record it) until the next try completes the push.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { MlflowClient } from "../../stages/mlflow/client.ts";
import type { Run } from "../../stages/mlflow/schemas.ts";
import { stagesRun } from "../support/dvc-output.ts";
import { type MlflowServer, settleConnections, startMlflowServer } from "../support/mlflow-server.ts";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

// The caller's own MLflow settings must not leak into the tests ("" counts as unset).
const NO_CREDENTIALS = { MLFLOW_TRACKING_TOKEN: "", MLFLOW_TRACKING_USERNAME: "", MLFLOW_TRACKING_PASSWORD: "" };

function setParam(repo: TempRepo, section: string, key: string, value: unknown): void {
  const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
  (params[section] as Record<string, unknown>)[key] = value;
  repo.write("params.yaml", stringify(params));
}

/** Every leaf of a YAML/JSON tree by dotted path (an independent spelling of what the push logs). */
function leaves(value: unknown, prefix = ""): Array<[string, unknown]> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, prefix === "" ? key : `${prefix}.${key}`));
  }
  return [[prefix, value]];
}

describe("the push stage", () => {
  let repo: TempRepo;
  let server: MlflowServer;
  let client: MlflowClient;
  let firstRepro: string;
  const env = () => ({ ...NO_CREDENTIALS, MLFLOW_TRACKING_URI: server.uri });

  async function runs(): Promise<Run[]> {
    await settleConnections();
    const experiment = await client.getExperimentByName("poisonlab");
    if (experiment === undefined) return [];
    return client.searchRuns({ experimentIds: [experiment.experiment_id], orderBy: ["attributes.start_time ASC"] });
  }

  before(async () => {
    repo = createTempRepo();
    // No MLflow anywhere: the default pipeline must not need one.
    const noServer = { env: { ...NO_CREDENTIALS, MLFLOW_TRACKING_URI: "" } };
    repo.ok("dvc", ["repro", "push"], noServer);
    // The committed dvc.lock already records the push as done, so run it once more on purpose to see what it says.
    firstRepro = repo.ok("dvc", ["repro", "--force", "--single-item", "push"], noServer).stdout;
    server = await startMlflowServer();
    client = new MlflowClient({ uri: server.uri, credentials: { kind: "none" } });
  });
  after(async () => {
    await server?.stop({ removeDir: true });
    repo?.remove();
  });

  it("is off by default: says so, needs no server, and a second dvc repro runs nothing", () => {
    assert.ok(stagesRun(firstRepro).includes("push"));
    assert.match(firstRepro, /push: off \(mlflow\.enabled is false in params\.yaml\); nothing sent/);
    assert.deepEqual(stagesRun(repo.dvc("repro", "push")), []);
  });

  it("when enabled, pushes one run with exactly the params, metrics and files of the result", async () => {
    setParam(repo, "mlflow", "enabled", true);
    const output = repo.ok("dvc", ["repro", "push"], { env: env() }).stdout;
    assert.deepEqual(stagesRun(output), ["push"], "only the push re-runs: it alone tracks the mlflow params");
    assert.match(
      output,
      /push: pushed as run [0-9a-f]{32} \(label_flip-10pct\) of experiment "poisonlab" at http:\/\/127\.0\.0\.1:\d+/,
    );
    const [only, ...rest] = await runs();
    assert.equal(rest.length, 0);
    assert.ok(only);
    const run = await client.getRun(only.info.run_id);
    assert.equal(run.info.status, "FINISHED");
    assert.equal(run.info.run_name, "label_flip-10pct");

    const params = parse(repo.read("params.yaml")) as Record<string, unknown>;
    delete params.mlflow;
    const expectedParams = Object.fromEntries(
      leaves(params).map(([key, value]) => [
        key,
        typeof value === "object" && value !== null ? JSON.stringify(value) : String(value),
      ]),
    );
    assert.deepEqual(Object.fromEntries(run.data.params.map((p) => [p.key, p.value])), expectedParams);

    const dvcYaml = parse(repo.read("dvc.yaml")) as {
      stages: Record<
        string,
        {
          deps?: string[];
          metrics?: Array<Record<string, unknown>>;
          outs?: unknown[];
          plots?: Array<Record<string, unknown>>;
        }
      >;
    };
    const pushDeps = dvcYaml.stages.push?.deps ?? [];
    const metricsFiles = Object.values(dvcYaml.stages)
      .flatMap((stage) => (stage.metrics ?? []).flatMap((entry) => Object.keys(entry)))
      .filter((path) => pushDeps.includes(path));
    assert.ok(metricsFiles.includes("metrics/evaluate.json"));
    const expectedMetrics = Object.fromEntries(
      metricsFiles.flatMap((path) => {
        const prefix = path === "metrics/evaluate.json" ? "" : `${path.replace(/^.*\//, "").replace(/\.json$/, "")}.`;
        return leaves(JSON.parse(repo.read(path)))
          .filter(([, value]) => typeof value === "number")
          .map(([key, value]) => [`${prefix}${key}`, value]);
      }),
    );
    assert.deepEqual(Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])), expectedMetrics);

    // The test split is read for the model's input example, not sent: prepare writes the folder data/prepared.
    const sent = [...pushDeps.filter((path) => /^(metrics|models)\//.test(path)), "params.yaml"];
    assert.ok(sent.includes("models/model.onnx") && pushDeps.includes("data/prepared/test.csv"));
    for (const path of sent) {
      const downloaded = await client.downloadArtifact(run.info.artifact_uri, path);
      assert.ok(Buffer.from(downloaded).equals(readFileSync(repo.path(path))), `${path} is uploaded byte for byte`);
    }
    const listed = (
      await Promise.all(
        ["", "metrics", "models", "data", "data/prepared"].map((folder) =>
          client.listArtifacts(run.info.run_id, folder),
        ),
      )
    ).flat();
    assert.deepEqual(
      listed
        .filter((file) => !file.is_dir)
        .map((file) => file.path)
        .sort(),
      [...sent].sort(),
    );

    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    assert.equal(tags["mlflow.source.git.commit"], repo.git("rev-parse", "HEAD").trim());
    assert.match(tags["poisonlab.content_key"] ?? "", /^[0-9a-f]{64}$/);
    assert.equal(tags["dvc.exp_name"], undefined, "not under dvc exp run");
  });

  it("sends nothing the second time: dvc repro runs nothing, and a forced push finds the run", async () => {
    assert.deepEqual(stagesRun(repo.ok("dvc", ["repro", "push"], { env: env() }).stdout), []);
    const forced = repo.ok("dvc", ["repro", "--force", "--single-item", "push"], { env: env() }).stdout;
    assert.match(forced, /push: already in MLflow as run [0-9a-f]{32} \(label_flip-10pct\).*; nothing sent/);
    assert.equal((await runs()).length, 1);
  });

  it("makes a new run for a changed poison rate", async () => {
    setParam(repo, "poison", "rate", 0.5);
    const output = repo.ok("dvc", ["repro", "push"], { env: env() }).stdout;
    assert.match(output, /push: pushed as run [0-9a-f]{32} \(label_flip-50pct\)/);
    const all = await runs();
    assert.equal(all.length, 2);
    const latest = await client.getRun(all[1]?.info.run_id ?? "");
    assert.equal(latest.data.params.find((p) => p.key === "poison.rate")?.value, "0.5");
    assert.equal(
      latest.data.metrics.find((m) => m.key === "accuracy")?.value,
      JSON.parse(repo.read("metrics/evaluate.json")).accuracy,
    );
  });

  it("fails with a message naming the URI when the server is down; DVC does not record the push; the next try completes it", async () => {
    await server.stop();
    setParam(repo, "poison", "rate", 0.05);
    const failed = repo.run("dvc", ["repro", "push"], { env: env() });
    assert.notEqual(failed.status, 0);
    assert.match(
      failed.stderr + failed.stdout,
      new RegExp(
        `poisonlab push: cannot reach the MLflow server at ${server.uri}: connection refused \\(4 tries over 3\\.5 s\\)`,
      ),
    );
    assert.match(repo.dvc("status", "push"), /push:\s+changed deps:/, "the push is not recorded as done");
    const metrics = JSON.parse(repo.read("metrics/evaluate.json"));
    assert.equal(typeof metrics.accuracy, "number", "the DVC metrics are intact");
    assert.equal(metrics.poison.train_rows_poisoned, 6, "and are those of the new rate");

    server = await startMlflowServer({ dir: server.dir, port: server.port });
    assert.equal((await runs()).length, 2, "no run was started while the server was down");
    const retried = repo.ok("dvc", ["repro", "push"], { env: env() }).stdout;
    assert.deepEqual(stagesRun(retried), ["push"]);
    assert.match(retried, /push: pushed as run [0-9a-f]{32} \(label_flip-5pct\)/);
    const all = await runs();
    assert.equal(all.length, 3);
    assert.ok(all.every((run) => run.info.status === "FINISHED"));
    assert.match(repo.dvc("status", "push"), /up to date/);
  });
});
