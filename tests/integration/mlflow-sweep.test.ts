/**
 * A queued four-rate sweep in a throw-away copy of this repository, pushed to a real `mlflow server`. Two
 * experiments push themselves from the stage (mlflow.enabled set with -S), two do not; `npm run
 * mlflow:push-sweep` then completes the set: four runs side by side, one per experiment, and a second
 * sweep push creates nothing. An experiment run with stage names, which leaves export as it was, is skipped.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MlflowClient } from "../../stages/mlflow/client.ts";
import type { Run } from "../../stages/mlflow/schemas.ts";
import { type ExperimentRow, experimentsFromShowJson } from "../support/dvc-output.ts";
import { type MlflowServer, settleConnections, startMlflowServer } from "../support/mlflow-server.ts";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

const NO_CREDENTIALS = { MLFLOW_TRACKING_TOKEN: "", MLFLOW_TRACKING_USERNAME: "", MLFLOW_TRACKING_PASSWORD: "" };

const tagsOf = (run: Run): Record<string, string> =>
  Object.fromEntries(run.data.tags.map((tag) => [tag.key, tag.value]));
const paramOf = (run: Run, key: string): string | undefined =>
  run.data.params.find((param) => param.key === key)?.value;
const metricOf = (run: Run, key: string): number | string | undefined =>
  run.data.metrics.find((metric) => metric.key === key)?.value;

describe("pushing a queued sweep", () => {
  let repo: TempRepo;
  let server: MlflowServer;
  let client: MlflowClient;
  let experiments: ExperimentRow[];
  let baseline: string;
  const env = () => ({ ...NO_CREDENTIALS, MLFLOW_TRACKING_URI: server.uri });

  async function runs(): Promise<Run[]> {
    await settleConnections();
    const experiment = await client.getExperimentByName("poisonlab");
    return experiment === undefined ? [] : client.searchRuns({ experimentIds: [experiment.experiment_id] });
  }

  function pushSweep(): string {
    return repo.ok("node", ["--import", "tsx", "scripts/push-sweep.ts"], { env: env() }).stdout;
  }

  before(async () => {
    repo = createTempRepo();
    baseline = repo.git("rev-parse", "HEAD").trim();
    server = await startMlflowServer();
    client = new MlflowClient({ uri: server.uri, credentials: { kind: "none" } });
    // Target push: the experiments reproduce the push and what it depends on, not the independent study.
    repo.dvc("exp", "run", "--queue", "push", "-S", "poison.rate=0,0.05");
    repo.dvc(
      "exp",
      "run",
      "--queue",
      "push",
      "-S",
      "poison.rate=0.1,0.5",
      "-S",
      "mlflow.enabled=true",
      "-S",
      `mlflow.tracking_uri='${server.uri}'`,
    );
    repo.ok("dvc", ["exp", "run", "--run-all", "-j", "1"], { env: env() });
    experiments = experimentsFromShowJson(JSON.parse(repo.dvc("exp", "show", "--json")));
  });
  after(async () => {
    await server?.stop({ removeDir: true });
    repo?.remove(); // stops the queue worker first and waits until it is gone
  });

  it("runs the four experiments", () => {
    assert.deepEqual(
      experiments.map((row) => (row.params.poison as { rate: number }).rate).sort(),
      [0, 0.05, 0.1, 0.5],
    );
  });

  it("tags the runs the stage pushed under dvc exp run with the experiment name and its baseline", async () => {
    const pushed = await runs();
    assert.deepEqual(pushed.map((run) => paramOf(run, "poison.rate")).sort(), ["0.1", "0.5"]);
    for (const run of pushed) {
      const row = experiments.find(
        (experiment) => String((experiment.params.poison as { rate: number }).rate) === paramOf(run, "poison.rate"),
      );
      const tags = tagsOf(run);
      assert.equal(tags["dvc.exp_name"], row?.name);
      assert.equal(tags["dvc.baseline_rev"], baseline);
      assert.equal(tags["mlflow.source.git.commit"], baseline, "the code ran from the baseline commit");
    }
  });

  it("pushes the rest with the sweep command: four runs, one per experiment, with their rate and accuracy", async () => {
    const output = pushSweep();
    assert.equal(output.match(/ created /g)?.length, 2, output);
    assert.equal(output.match(/ already-pushed /g)?.length, 2, output);
    const all = await runs();
    assert.equal(all.length, 4);
    for (const row of experiments) {
      const rate = (row.params.poison as { rate: number }).rate;
      const matching = all.filter((run) => paramOf(run, "poison.rate") === String(rate));
      assert.equal(matching.length, 1, `one run for rate ${rate}`);
      const run = matching[0] as Run;
      assert.equal(run.info.run_name, `label_flip-${rate * 100}pct`);
      assert.equal(run.info.status, "FINISHED");
      assert.equal(metricOf(run, "accuracy"), row.metrics.accuracy);
      assert.equal(tagsOf(run)["dvc.exp_name"], row.name);
    }
  });

  it("creates nothing on a second sweep push", async () => {
    const output = pushSweep();
    assert.equal(output.match(/ already-pushed /g)?.length, 4, output);
    assert.equal((await runs()).length, 4);
  });

  it("skips an experiment run with stage names, whose ONNX model is not its own, and says how to complete it", async () => {
    repo.dvc("exp", "run", "-S", "poison.rate=0.3", "evaluate", "certify");
    const [targeted] = experimentsFromShowJson(JSON.parse(repo.dvc("exp", "show", "--json"))).filter(
      (row) => (row.params.poison as { rate: number }).rate === 0.3,
    );
    assert.ok(targeted, "dvc exp show lists the experiment at poison.rate 0.3");
    const output = pushSweep();
    assert.match(
      output,
      new RegExp(
        `skipping experiment ${targeted.name}: stage export did not run in it \\(export read another models/model\\.json than train wrote\\); .*dvc exp apply ${targeted.name} && dvc repro`,
      ),
    );
    assert.equal(output.match(/ already-pushed /g)?.length, 4, output);
    assert.equal((await runs()).length, 4, "nothing pushed for it");
  });
});
