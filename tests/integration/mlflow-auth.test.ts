/**
 * The push stage against a real `mlflow server --app-name basic-auth`: wrong or missing credentials fail
 * the stage with a clear 401 message (and DVC does not record it); the right ones push. No credential ever
 * shows up in the output or in any file of the repository.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { MlflowClient } from "../../stages/mlflow/client.ts";
import { stagesRun } from "../support/dvc-output.ts";
import { type MlflowServer, settleConnections, startMlflowServer } from "../support/mlflow-server.ts";
import { createTempRepo, type TempRepo } from "../support/temp-repo.ts";

// Made up at run time: a constant would be found in this very file, copied into the test repository.
const WRONG_PASSWORD = `wrong-${randomBytes(8).toString("hex")}`;

/** Every file of the working folder (with .dvc/tmp), as text; node_modules and .git left out. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || /(^|\/)(node_modules|\.git)(\/|$)/.test(path.slice(dir.length))) continue;
    if (readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

describe("the push stage against a basic-auth MLflow server", () => {
  let repo: TempRepo;
  let server: MlflowServer;
  let admin: { username: string; password: string };
  const env = (username: string, password: string) => ({
    MLFLOW_TRACKING_URI: server.uri,
    MLFLOW_TRACKING_USERNAME: username,
    MLFLOW_TRACKING_PASSWORD: password,
    MLFLOW_TRACKING_TOKEN: "",
  });

  before(async () => {
    repo = createTempRepo();
    const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
    (params.mlflow as Record<string, unknown>).enabled = true;
    repo.write("params.yaml", stringify(params));
    server = await startMlflowServer({ basicAuth: true });
    assert.ok(server.admin);
    admin = server.admin;
  });
  after(async () => {
    await server?.stop({ removeDir: true });
    repo?.remove();
  });

  it("fails with a clear 401 message on a wrong password, and DVC does not record the push", () => {
    const failed = repo.run("dvc", ["repro", "push"], { env: env(admin.username, WRONG_PASSWORD) });
    assert.notEqual(failed.status, 0);
    const output = failed.stdout + failed.stderr;
    assert.match(
      output,
      new RegExp(
        `poisonlab push: MLflow at ${server.uri} answered 401 Unauthorized to GET mlflow/experiments/get-by-name: You are not authenticated\\..* The server did not accept the user name and password in MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD\\.`,
      ),
    );
    assert.ok(!output.includes(WRONG_PASSWORD), "the password is not printed");
    assert.match(repo.dvc("status", "push"), /push:/, "push is still to do");
  });

  it("says that no credentials were given when none are set", () => {
    const failed = repo.run("dvc", ["repro", "push"], {
      env: { ...env("", ""), MLFLOW_TRACKING_USERNAME: "", MLFLOW_TRACKING_PASSWORD: "" },
    });
    assert.notEqual(failed.status, 0);
    assert.match(
      failed.stdout + failed.stderr,
      /answered 401 Unauthorized .* The server needs credentials: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN\./,
    );
  });

  it("pushes with the right credentials, and no credential lands in any file", async () => {
    const output = repo.ok("dvc", ["repro", "push"], { env: env(admin.username, admin.password) });
    assert.deepEqual(stagesRun(output.stdout), ["push"]);
    assert.match(output.stdout, /push: pushed as run [0-9a-f]{32} \(label_flip-10pct\)/);
    await settleConnections();
    const client = new MlflowClient({ uri: server.uri, credentials: { kind: "basic", ...admin } });
    const experiment = await client.getExperimentByName("poisonlab");
    const runs = await client.searchRuns({ experimentIds: [experiment?.experiment_id ?? ""] });
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.info.status, "FINISHED");
    const files = await client.listArtifacts(runs[0]?.info.run_id ?? "", "metrics");
    assert.ok(
      files.some((file) => file.path === "metrics/evaluate.json"),
      "artifacts go through the authenticated proxy",
    );
    for (const secret of [
      admin.password,
      WRONG_PASSWORD,
      Buffer.from(`${admin.username}:${admin.password}`).toString("base64"),
    ]) {
      assert.ok(!(output.stdout + output.stderr).includes(secret));
      assert.deepEqual(filesContaining(repo.dir, secret), []);
    }
    assert.match(repo.dvc("status", "push"), /up to date/);
  });
});
