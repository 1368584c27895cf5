/**
 * The local store's rules without a server: which tracking URIs are a sqlite store, which are refused and
 * how, where relative paths and artifacts go, the private server's arguments and environment, and the
 * messages a failed start prints.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { StageError } from "../../stages/core/errors.ts";
import {
  artifactsBeside,
  browseHint,
  lastLines,
  mlflowMissingMessage,
  onPrivateServer,
  repositoryRoot,
  type SqliteStore,
  serverExitedMessage,
  serverTimeoutMessage,
  sqliteUri,
} from "../../stages/mlflow/local-store.ts";
import { findMlflowBinary, mlflowServerArgs, mlflowServerEnv } from "../../stages/mlflow/server-process.ts";
import { trackingStore } from "../../stages/mlflow/tracking.ts";

const params = { tracking_uri: null, experiment: "poisonlab" };
const store: SqliteStore = { kind: "sqlite", uri: "sqlite:///mlflow.db", path: "mlflow.db" };

describe("trackingStore: local stores", () => {
  it("reads a relative sqlite file from params and an absolute one from MLFLOW_TRACKING_URI", () => {
    assert.deepEqual(trackingStore({ ...params, tracking_uri: "sqlite:///mlflow.db" }, {}), {
      kind: "sqlite",
      uri: "sqlite:///mlflow.db",
      path: "mlflow.db",
      experiment: "poisonlab",
    });
    assert.deepEqual(trackingStore(params, { MLFLOW_TRACKING_URI: "sqlite:////srv/mlflow/runs.db" }), {
      kind: "sqlite",
      uri: "sqlite:////srv/mlflow/runs.db",
      path: "/srv/mlflow/runs.db",
      experiment: "poisonlab",
    });
  });

  it("takes params first, and reads no credentials for a local store", () => {
    const env = { MLFLOW_TRACKING_URI: "http://127.0.0.1:5000", MLFLOW_TRACKING_USERNAME: "only-half" };
    assert.equal(trackingStore({ ...params, tracking_uri: "sqlite:///a/b.db" }, env).kind, "sqlite");
    // The same half-set credentials are an error for a server.
    assert.throws(() => trackingStore(params, env), /MLFLOW_TRACKING_PASSWORD is not set/);
  });

  const refused: Array<[string, RegExp]> = [
    ["file:///srv/mlruns", /a folder \(MLflow's file store\) is not supported.*sqlite:\/\/\/mlflow\.db/],
    ["mlruns", /a folder \(MLflow's file store\) is not supported.*sqlite:\/\/\/mlflow\.db/],
    ["./mlruns", /a folder/],
    ["/srv/mlruns", /a folder/],
    [
      "postgresql://db/mlflow",
      /the postgresql scheme is not supported; use an http\(s\):\/\/host:port server or a sqlite file/,
    ],
    ["databricks://profile", /the databricks scheme is not supported/],
    ["sqlite://", /name a database file, e\.g\. sqlite:\/\/\/mlflow\.db/],
    ["sqlite:///:memory:", /an in-memory store keeps nothing/],
    ["sqlite:///mlflow.db?timeout=5", /must not have a query or fragment/],
  ];
  for (const [uri, message] of refused) {
    it(`refuses ${uri} with one message naming the key and value`, () => {
      assert.throws(
        () => trackingStore({ ...params, tracking_uri: uri }, {}),
        (error: unknown) =>
          error instanceof StageError &&
          error.message.startsWith(`mlflow.tracking_uri in params.yaml = ${JSON.stringify(uri)}: `) &&
          message.test(error.message),
      );
    });
  }

  it("names the environment variable when the URI came from there", () => {
    assert.throws(
      () => trackingStore(params, { MLFLOW_TRACKING_URI: "mlruns" }),
      /^StageError: MLFLOW_TRACKING_URI = "mlruns": a folder/,
    );
  });
});

describe("where a local store's files go", () => {
  it("resolves relative paths from the repository root, also inside a dvc exp run --temp or queue copy", () => {
    assert.equal(repositoryRoot("/home/ann/poisonlab"), "/home/ann/poisonlab");
    assert.equal(repositoryRoot("/home/ann/poisonlab/.dvc/tmp/exps/tmpab12cd"), "/home/ann/poisonlab");
    assert.equal(repositoryRoot("/home/ann/poisonlab/.dvc/tmp/exps/run/abc/repo"), "/home/ann/poisonlab");
    assert.equal(repositoryRoot("/home/ann/.dvc-notes/poisonlab"), "/home/ann/.dvc-notes/poisonlab");
  });

  it("puts artifacts in mlartifacts beside the database and says how to browse both", () => {
    assert.equal(artifactsBeside("mlflow.db"), "mlartifacts");
    assert.equal(artifactsBeside("stores/runs.db"), "stores/mlartifacts");
    assert.equal(artifactsBeside("/srv/mlflow/runs.db"), "/srv/mlflow/mlartifacts");
    assert.equal(sqliteUri("/srv/mlflow/runs.db"), "sqlite:////srv/mlflow/runs.db");
    assert.equal(
      browseHint(store),
      "browse it with: .venv/bin/mlflow ui --backend-store-uri sqlite:///mlflow.db --artifacts-destination mlartifacts",
    );
  });
});

describe("the private server's command", () => {
  it("listens on 127.0.0.1 only, with one worker, on the store given", () => {
    assert.deepEqual(
      mlflowServerArgs(5123, { backendStoreUri: "sqlite:////r/mlflow.db", artifactsDestination: "/r/mlartifacts" }),
      [
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        "5123",
        "--backend-store-uri",
        "sqlite:////r/mlflow.db",
        "--artifacts-destination",
        "/r/mlartifacts",
        "--workers",
        "1",
      ],
    );
  });

  it("drops the caller's tracking URI and credentials and turns background jobs off", () => {
    const env = mlflowServerEnv({
      PATH: "/bin",
      MLFLOW_TRACKING_URI: "sqlite:///mlflow.db",
      MLFLOW_TRACKING_USERNAME: "u",
      MLFLOW_TRACKING_PASSWORD: "p",
      MLFLOW_TRACKING_TOKEN: "t",
    });
    assert.equal(env.PATH, "/bin");
    assert.equal(env.MLFLOW_SERVER_ENABLE_JOB_EXECUTION, "false");
    for (const name of [
      "MLFLOW_TRACKING_URI",
      "MLFLOW_TRACKING_USERNAME",
      "MLFLOW_TRACKING_PASSWORD",
      "MLFLOW_TRACKING_TOKEN",
    ])
      assert.equal(env[name], undefined, name);
  });

  describe("findMlflowBinary", () => {
    const dir = mkdtempSync(join(tmpdir(), "poisonlab-find-mlflow-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const executable = (path: string) => {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, "#!/bin/sh\n");
      chmodSync(path, 0o755);
    };

    it("prefers the repository's .venv, then PATH, else finds none", () => {
      const root = join(dir, "repo");
      const onPath = join(dir, "bin");
      mkdirSync(root, { recursive: true });
      assert.equal(findMlflowBinary(root, join(dir, "empty")), undefined);
      executable(join(onPath, "mlflow"));
      assert.equal(findMlflowBinary(root, `${join(dir, "empty")}:${onPath}`), join(onPath, "mlflow"));
      executable(join(root, ".venv", "bin", "mlflow"));
      assert.equal(findMlflowBinary(root, onPath), join(root, ".venv", "bin", "mlflow"));
    });
  });
});

describe("messages of a failed start", () => {
  it("says to install requirements-mlflow.txt when there is no mlflow", () => {
    assert.match(
      mlflowMissingMessage(store),
      /no mlflow was found in \.venv\/bin or on PATH; install it with: \.venv\/bin\/pip install -r requirements-mlflow\.txt/,
    );
  });

  it("gives the exit code and the end of stderr, where the reason is", () => {
    const stderr = `${"Traceback line\n".repeat(40)}sqlalchemy.exc.DatabaseError: (sqlite3.DatabaseError) file is not a database\n`;
    const message = serverExitedMessage(store, { code: 1, signal: null }, stderr);
    assert.match(
      message,
      /^the private mlflow server for sqlite:\/\/\/mlflow\.db exited with code 1 before it was ready; the end of its stderr:\n/,
    );
    assert.match(message, /\n {2}sqlalchemy\.exc\.DatabaseError: \(sqlite3\.DatabaseError\) file is not a database$/);
    assert.equal(message.split("\n").length, 1 + 12, "the last 12 lines only");
    assert.match(
      serverExitedMessage(store, { code: null, signal: "SIGKILL" }, ""),
      /was killed by SIGKILL before it was ready \(it wrote nothing to stderr\)$/,
    );
  });

  it("names the bound of a start that never got ready", () => {
    assert.match(
      serverTimeoutMessage(store, 90_000, "still importing\n"),
      /did not answer \/health within 90 s; stopped it; the end of its stderr:\n {2}still importing$/,
    );
  });

  it("says which store a private server's address stood for", () => {
    assert.equal(
      onPrivateServer("MLflow at http://127.0.0.1:4321 answered 500 to GET x", "http://127.0.0.1:4321", store),
      "MLflow at http://127.0.0.1:4321 answered 500 to GET x (http://127.0.0.1:4321 was the private mlflow server for sqlite:///mlflow.db; it is stopped)",
    );
  });

  it("cuts a long tail to its end", () => {
    const cut = lastLines(`${"x".repeat(5000)}\nreason`, 12, 100);
    assert.equal(cut.length, 103);
    assert.ok(cut.startsWith("...") && cut.endsWith("\nreason"));
  });
});
