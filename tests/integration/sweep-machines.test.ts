/**
 * A queued sweep split across two machines and gathered on a third, with DVC itself: two clones of a shared
 * bare git repository (standing for two machines) each queue and run their share of poison.rate=0,0.05,0.1,0.5
 * and `dvc exp push` it (git refs to the bare repository, outputs to the shared DVC remote); a third clone
 * `dvc exp pull`s everything, where `dvc exp show` and the MLflow sweep push list every experiment once.
 * Also checks the GitHub Actions workflow that does the same against the workflow schema.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { MlflowClient } from "../../stages/mlflow/client.ts";
import { type ExperimentRow, experimentsFromShowJson } from "../support/dvc-output.ts";
import { stopQueueWorkers } from "../support/dvc-queue.ts";
import { type MlflowServer, settleConnections, startMlflowServer } from "../support/mlflow-server.ts";
import { cloneTempRepo, createTempRepo, PROJECT_ROOT, runCommand, TempRepo } from "../support/temp-repo.ts";

/** Each machine's share of the sweep, as in the workflow's matrix. */
const SHARES = ["0,0.05", "0.1,0.5"];
const NO_CREDENTIALS = { MLFLOW_TRACKING_TOKEN: "", MLFLOW_TRACKING_USERNAME: "", MLFLOW_TRACKING_PASSWORD: "" };
const rateOf = (row: ExperimentRow): number => (row.params.poison as { rate: number }).rate;

describe("a sweep across two machines, gathered on a third", () => {
  let origin: string;
  let dvcRemote: string;
  const repos: TempRepo[] = [];
  let gatherer: TempRepo;
  let gathered: ExperimentRow[];
  const shareNames: string[][] = [];

  before(() => {
    origin = mkdtempSync(join(tmpdir(), "poisonlab-origin-"));
    dvcRemote = mkdtempSync(join(tmpdir(), "poisonlab-remote-"));
    runCommand(origin, "git", ["init", "-q", "--bare", "-b", "main"]);
    const seed = createTempRepo();
    repos.push(seed);
    seed.dvc("remote", "add", "-d", "team", dvcRemote);
    seed.commitAll("the team's DVC remote");
    seed.git("push", "-q", origin, "HEAD:main"); // HEAD: a copy cloned from a checkout may be on another branch
    for (const share of SHARES) {
      const machine = cloneTempRepo(new TempRepo(origin));
      repos.push(machine);
      const before = new Set(
        experimentsFromShowJson(JSON.parse(machine.dvc("exp", "show", "--json"))).map((r) => r.name),
      );
      try {
        machine.dvc("exp", "run", "--queue", "-S", `poison.rate=${share}`);
        machine.dvc("exp", "run", "--run-all", "-j", "1");
      } finally {
        stopQueueWorkers(machine);
      }
      const ran = experimentsFromShowJson(JSON.parse(machine.dvc("exp", "show", "--json")));
      shareNames.push(ran.filter((row) => !before.has(row.name)).map((row) => row.name));
      machine.dvc("exp", "push", "origin", "--rev", "HEAD");
    }
    gatherer = cloneTempRepo(new TempRepo(origin));
    repos.push(gatherer);
    gatherer.dvc("exp", "pull", "origin", "--rev", "HEAD");
    gathered = experimentsFromShowJson(JSON.parse(gatherer.dvc("exp", "show", "--json")));
  });
  after(() => {
    // Plain folders first: a copy whose removal throws must not strand them in the temp folder.
    rmSync(origin, { recursive: true, force: true });
    rmSync(dvcRemote, { recursive: true, force: true });
    for (const repo of repos) repo.remove();
  });

  it("each machine ran only its share", () => {
    assert.deepEqual(
      shareNames.map((names) => names.length),
      [2, 2],
    );
  });

  it("the gathering clone lists all four experiments once, with the machines' names, rates and metrics", () => {
    assert.equal(gathered.length, 4, JSON.stringify(gathered, null, 1));
    assert.deepEqual(gathered.map((row) => row.name).sort(), shareNames.flat().sort());
    assert.deepEqual(gathered.map(rateOf).sort(), [0, 0.05, 0.1, 0.5]);
    for (const row of gathered) assert.equal(typeof row.metrics.accuracy, "number", `${row.name} has accuracy`);
  });

  it("the gathering clone has every experiment's outputs: dvc exp apply restores one without running it", () => {
    const row = gathered.find((experiment) => rateOf(experiment) === 0.5) as ExperimentRow;
    gatherer.dvc("exp", "apply", row.name);
    gatherer.dvc("checkout");
    assert.equal(JSON.parse(gatherer.read("data/poisoned/manifest.json")).rows_poisoned, 60);
    assert.equal(JSON.parse(gatherer.read("metrics/evaluate.json")).accuracy, row.metrics.accuracy);
    gatherer.git("checkout", "--", ".");
    gatherer.dvc("checkout");
  });

  describe("the MLflow sweep push from the gathering clone", () => {
    let server: MlflowServer;
    before(async () => {
      server = await startMlflowServer();
    });
    after(async () => {
      await server?.stop({ removeDir: true });
    });

    it("creates one run per experiment, then nothing more", async () => {
      const env = { ...NO_CREDENTIALS, MLFLOW_TRACKING_URI: server.uri };
      const first = gatherer.ok("node", ["--import", "tsx", "scripts/push-sweep.ts"], { env }).stdout;
      assert.equal(first.match(/ created /g)?.length, 4, first);
      const second = gatherer.ok("node", ["--import", "tsx", "scripts/push-sweep.ts"], { env }).stdout;
      assert.equal(second.match(/ already-pushed /g)?.length, 4, second);
      await settleConnections();
      const client = new MlflowClient({ uri: server.uri, credentials: { kind: "none" } });
      const experiment = await client.getExperimentByName("poisonlab");
      assert.ok(experiment);
      const runs = await client.searchRuns({ experimentIds: [experiment.experiment_id] });
      const names = runs.map((run) => run.data.tags.find((tag) => tag.key === "dvc.exp_name")?.value).sort();
      assert.deepEqual(names, gathered.map((row) => row.name).sort());
    });
  });
});

describe("the sweep workflow (.github/workflows/sweep.yml)", () => {
  const workflow = join(PROJECT_ROOT, ".github", "workflows", "sweep.yml");
  const checkSchema = (file: string) =>
    runCommand(PROJECT_ROOT, "check-jsonschema", ["--builtin-schema", "vendor.github-workflows", file]);

  it("is a valid GitHub Actions workflow", () => {
    const checked = checkSchema(workflow);
    assert.equal(checked.status, 0, `${checked.stdout}\n${checked.stderr}`);
  });

  it("the schema check rejects a broken workflow (so the check above can fail)", () => {
    const folder = mkdtempSync(join(tmpdir(), "poisonlab-workflow-"));
    try {
      const broken = join(folder, "sweep.yml");
      writeFileSync(broken, "name: sweep\non: workflow_dispatch\njobs:\n  shard:\n    steps: 3\n");
      assert.notEqual(checkSchema(broken).status, 0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("splits the same sweep as this test, machines run their share and push, the gather job pulls", () => {
    const parsed = parse(readFileSync(workflow, "utf8")) as any;
    assert.deepEqual(parsed.jobs.shard.strategy.matrix.rates, SHARES);
    const shardScript = parsed.jobs.shard.steps.map((step: { run?: string }) => step.run ?? "").join("\n");
    assert.match(shardScript, /dvc exp run --queue -S "poison\.rate=\$RATES"/);
    assert.match(shardScript, /dvc exp push origin --rev HEAD/);
    assert.deepEqual(parsed.jobs.gather.needs, "shard");
    const gatherScript = parsed.jobs.gather.steps.map((step: { run?: string }) => step.run ?? "").join("\n");
    assert.match(gatherScript, /dvc exp pull origin --rev HEAD/);
    assert.match(gatherScript, /npm run mlflow:push-sweep/);
  });
});
