import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { StageError } from "../../stages/core/errors.ts";
import { mlflowParams } from "../../stages/core/params.ts";
import { artifactPath, MlflowClient } from "../../stages/mlflow/client.ts";
import { listExperiments } from "../../stages/mlflow/exp-show.ts";
import {
  backoffDelays,
  isConnectionRefused,
  isLoopbackHost,
  isRetryableStatus,
  MlflowError,
  parseErrorBody,
  plainHttpCredentialsWarning,
  retryAfterMs,
  statusHint,
} from "../../stages/mlflow/http-policy.ts";
import { textTable } from "../../stages/mlflow/push-messages.ts";
import { isDeletedRunError, missingData, type PushRequest } from "../../stages/mlflow/push-run.ts";
import { CONTENT_KEY_TAG } from "../../stages/mlflow/result.ts";
import type { Run } from "../../stages/mlflow/schemas.ts";
import {
  authorizationHeader,
  credentialsFromEnv,
  parseTrackingUri,
  redactUri,
  trackingStore,
} from "../../stages/mlflow/tracking.ts";

describe("mlflowParams", () => {
  it("accepts the defaults and rejects unknown keys", () => {
    assert.deepEqual(mlflowParams.parse({ enabled: false, tracking_uri: null, experiment: "poisonlab" }), {
      enabled: false,
      tracking_uri: null,
      experiment: "poisonlab",
    });
    assert.equal(
      mlflowParams.safeParse({ enabled: false, tracking_uri: null, experiment: "x", password: "p" }).success,
      false,
    );
  });
});

/** The server target of a store that must be an http(s) server. */
function serverUri(store: ReturnType<typeof trackingStore>): string {
  assert.equal(store.kind, "server");
  return store.kind === "server" ? store.target.uri : "";
}

describe("trackingStore: servers", () => {
  const params = { tracking_uri: null, experiment: "poisonlab" };

  it("takes mlflow.tracking_uri first, then MLFLOW_TRACKING_URI, and drops a trailing slash", () => {
    assert.equal(
      serverUri(
        trackingStore({ ...params, tracking_uri: "http://127.0.0.1:5000/" }, { MLFLOW_TRACKING_URI: "http://other:1" }),
      ),
      "http://127.0.0.1:5000",
    );
    assert.equal(
      serverUri(trackingStore(params, { MLFLOW_TRACKING_URI: "https://mlflow.example/base/" })),
      "https://mlflow.example/base",
    );
  });

  it("says how to give a URI when there is none", () => {
    assert.throws(
      () => trackingStore(params, {}),
      /set mlflow\.tracking_uri in params\.yaml or the environment variable MLFLOW_TRACKING_URI/,
    );
  });

  const rejected: Array<[string, RegExp]> = [
    ["ftp://host/x", /only http and https/],
    ["http//host:5000", /not a URI/],
    ["http://127.0.0.1:5000?x=1", /query or fragment/],
  ];
  for (const [uri, message] of rejected) {
    it(`rejects ${uri}`, () => assert.throws(() => parseTrackingUri(uri, "MLFLOW_TRACKING_URI"), message));
  }

  it("rejects credentials in the URI without printing them", () => {
    assert.throws(
      () => parseTrackingUri("https://alice:s3cret@mlflow.example", "mlflow.tracking_uri"),
      (error: unknown) =>
        error instanceof StageError &&
        !error.message.includes("s3cret") &&
        !error.message.includes("alice") &&
        /MLFLOW_TRACKING_USERNAME/.test(error.message),
    );
    assert.equal(redactUri("https://alice:s3cret@host/x"), "https://***@host/x");
  });
});

describe("credentials", () => {
  it("follows MLflow: user name and password give basic auth, else a token gives bearer auth", () => {
    assert.deepEqual(credentialsFromEnv({}), { kind: "none" });
    assert.deepEqual(credentialsFromEnv({ MLFLOW_TRACKING_TOKEN: "t" }), { kind: "bearer", token: "t" });
    assert.deepEqual(
      credentialsFromEnv({ MLFLOW_TRACKING_USERNAME: "u", MLFLOW_TRACKING_PASSWORD: "p", MLFLOW_TRACKING_TOKEN: "t" }),
      { kind: "basic", username: "u", password: "p" },
    );
    assert.equal(
      authorizationHeader({ kind: "basic", username: "admin", password: "pw" }),
      `Basic ${Buffer.from("admin:pw").toString("base64")}`,
    );
    assert.equal(authorizationHeader({ kind: "bearer", token: "t" }), "Bearer t");
  });

  it("names the missing half of basic auth, never the value of the other", () => {
    assert.throws(
      () => credentialsFromEnv({ MLFLOW_TRACKING_USERNAME: "alice-secret-name" }),
      (error: unknown) =>
        error instanceof StageError &&
        /MLFLOW_TRACKING_PASSWORD is not set/.test(error.message) &&
        !error.message.includes("alice-secret-name"),
    );
  });

  it("keeps the Authorization header out of util.inspect and JSON", () => {
    const client = new MlflowClient({
      uri: "http://127.0.0.1:1",
      credentials: { kind: "basic", username: "admin", password: "hunter2-pw" },
    });
    const encoded = Buffer.from("admin:hunter2-pw").toString("base64");
    for (const shown of [inspect(client, { showHidden: true, depth: 5 }), JSON.stringify(client)]) {
      assert.ok(!shown.includes("hunter2-pw") && !shown.includes(encoded), shown);
    }
  });
});

describe("retry rules", () => {
  it("retries 429 and 5xx only", () => {
    assert.deepEqual([400, 401, 403, 404, 409, 429, 500, 502, 503].map(isRetryableStatus), [
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });

  it("recognises connection refused however undici wraps it", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    assert.equal(isConnectionRefused(new TypeError("fetch failed", { cause: refused })), true);
    assert.equal(isConnectionRefused(new TypeError("fetch failed", { cause: new AggregateError([refused]) })), true);
    assert.equal(
      isConnectionRefused(
        new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }),
      ),
      false,
    );
  });

  it("backs off exponentially and honours a Retry-After in seconds, capped", () => {
    assert.deepEqual(backoffDelays(4, 500), [500, 1000, 2000, 4000]);
    assert.equal(retryAfterMs("2"), 2000);
    assert.equal(retryAfterMs("600"), 30_000);
    assert.equal(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"), undefined);
    assert.equal(retryAfterMs(null), undefined);
  });
});

describe("parseErrorBody", () => {
  it("reads MLflow's {error_code, message}", () => {
    assert.deepEqual(
      parseErrorBody('{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run with id=x not found"}'),
      {
        errorCode: "RESOURCE_DOES_NOT_EXIST",
        message: "Run with id=x not found",
      },
    );
  });

  it("reduces plain text and HTML answers to their words", () => {
    assert.deepEqual(
      parseErrorBody("<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>"),
      { message: "500 Internal Server Error Internal Server Error" },
    );
    assert.deepEqual(parseErrorBody("You are not authenticated."), { message: "You are not authenticated." });
  });
});

describe("statusHint", () => {
  it("says what to set on a 401 without credentials, and which variables were refused otherwise", () => {
    assert.match(
      statusHint(401, undefined),
      /needs credentials: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN/,
    );
    assert.equal(
      statusHint(401, "the token in MLFLOW_TRACKING_TOKEN"),
      " The server did not accept the token in MLFLOW_TRACKING_TOKEN.",
    );
    assert.equal(statusHint(404, undefined), "");
  });
});

describe("artifactPath", () => {
  it("maps a proxied artifact URI to the upload endpoint, each segment encoded", () => {
    assert.equal(
      artifactPath("mlflow-artifacts:/1/abc/artifacts", "metrics/evaluate.json"),
      "/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/metrics/evaluate.json",
    );
    assert.equal(
      artifactPath("mlflow-artifacts://host:5000/1/abc/artifacts", "a b.json"),
      "/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/a%20b.json",
    );
  });

  it("explains an artifact store the server does not proxy", () => {
    assert.throws(() => artifactPath("s3://bucket/1/abc/artifacts", "x"), /--serve-artifacts/);
  });
});

describe("missingData", () => {
  const request: PushRequest = {
    experiment: "e",
    key: "abc123",
    runName: "label_flip-10pct",
    tags: { "dvc.exp_name": "lucky-fish" },
    result: {
      params: { "poison.rate": "0.1", "train.seed": "42" },
      metrics: { accuracy: 0.9, f1_macro: 0.8 },
      files: [],
    },
  };
  const run = (data: Partial<Run["data"]>): Run => ({
    info: {
      run_id: "r1",
      experiment_id: "1",
      run_name: "label_flip-10pct",
      status: "RUNNING",
      artifact_uri: "",
      lifecycle_stage: "active",
    },
    data: { params: [], metrics: [], tags: [], ...data },
    outputs: { model_outputs: [] },
  });

  it("logs everything on a fresh run, with one timestamp so a repeat is recognised", () => {
    assert.deepEqual(
      missingData(
        run({
          tags: [
            { key: CONTENT_KEY_TAG, value: "abc123" },
            { key: "mlflow.runName", value: "label_flip-10pct" },
          ],
        }),
        request,
        1000,
      ),
      [
        {
          params: [
            { key: "poison.rate", value: "0.1" },
            { key: "train.seed", value: "42" },
          ],
        },
        { tags: [{ key: "dvc.exp_name", value: "lucky-fish" }] },
        {
          metrics: [
            { key: "accuracy", value: 0.9, timestamp: 1000, step: 0 },
            { key: "f1_macro", value: 0.8, timestamp: 1000, step: 0 },
          ],
        },
      ],
    );
  });

  it("logs only what an interrupted push left out", () => {
    const half = run({
      params: [
        { key: "poison.rate", value: "0.1" },
        { key: "train.seed", value: "42" },
      ],
      metrics: [{ key: "accuracy", value: 0.9, timestamp: 1000, step: 0 }],
      tags: [
        { key: CONTENT_KEY_TAG, value: "abc123" },
        { key: "mlflow.runName", value: "label_flip-10pct" },
        { key: "dvc.exp_name", value: "lucky-fish" },
      ],
    });
    assert.deepEqual(missingData(half, request, 1000), [
      { metrics: [{ key: "f1_macro", value: 0.8, timestamp: 1000, step: 0 }] },
    ]);
  });

  it("splits params into batches of 100, MLflow's limit", () => {
    const many = {
      ...request,
      result: { ...request.result, params: Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, "1"])) },
    };
    assert.deepEqual(
      missingData(run({}), many, 0)
        .filter((batch) => batch.params)
        .map((batch) => batch.params?.length),
      [100, 100, 50],
    );
  });

  it("refuses to change a param that is already logged", () => {
    assert.throws(
      () => missingData(run({ params: [{ key: "poison.rate", value: "0.2" }] }), request, 0),
      /already has param poison\.rate = "0\.2", not "0\.1"/,
    );
  });
});

describe("listExperiments", () => {
  it("lists each experiment with its baseline, state and cached outputs; skips the workspace", () => {
    const json = [
      { rev: "workspace", name: null, data: {}, error: null, experiments: null },
      {
        rev: "base1",
        name: "main",
        experiments: [
          {
            name: "lucky-fish",
            executor: { state: "success" },
            revs: [
              {
                rev: "exp1",
                name: "lucky-fish",
                data: {
                  outs: {
                    "models/model.json": { hash: "abcd", use_cache: true },
                    "metrics/x.json": { hash: "ef", use_cache: false },
                  },
                },
                error: null,
              },
            ],
          },
          {
            name: "slow-cat",
            executor: { state: "queued" },
            revs: [{ rev: "stash1", name: "slow-cat", data: null, error: null }],
          },
          {
            name: "bad-dog",
            executor: { state: "failed" },
            revs: [{ rev: "exp3", name: "bad-dog", data: { outs: {} }, error: { type: "X" } }],
          },
          { name: null, executor: null, revs: [{ rev: "exp4abcdef", name: null, data: { outs: null } }] },
        ],
      },
    ];
    assert.deepEqual(listExperiments(json), [
      {
        name: "lucky-fish",
        rev: "exp1",
        baselineRev: "base1",
        state: "done",
        cachedOuts: { "models/model.json": "abcd" },
      },
      { name: "slow-cat", rev: "stash1", baselineRev: "base1", state: "queued", cachedOuts: {} },
      { name: "bad-dog", rev: "exp3", baselineRev: "base1", state: "failed", cachedOuts: {} },
      { name: "exp4abc", rev: "exp4abcdef", baselineRev: "base1", state: "done", cachedOuts: {} },
    ]);
  });

  it("rejects output that is not DVC 3's exp show", () => {
    assert.throws(() => listExperiments({ rows: [] }), /dvc exp show --json gave an unexpected answer/);
  });
});

describe("textTable", () => {
  it("pads columns to their widest cell", () => {
    assert.equal(
      textTable(["a", "long header"], [["wide cell", "x"]]),
      "a          long header\n---------  -----------\nwide cell  x",
    );
  });
});

describe("isDeletedRunError", () => {
  it("recognises MLflow's answer to writing into a deleted run, and nothing else", () => {
    const deleted =
      "MLflow answered 400 INVALID_PARAMETER_VALUE: The run 5024 must be in the 'active' state. Current state is deleted.";
    assert.equal(isDeletedRunError(new MlflowError(deleted, 400, "INVALID_PARAMETER_VALUE")), true);
    assert.equal(
      isDeletedRunError(new MlflowError("MLflow answered 400 INVALID_PARAMETER_VALUE: bad param", 400)),
      false,
    );
    assert.equal(isDeletedRunError(new MlflowError(deleted, 500)), false);
    assert.equal(isDeletedRunError(new Error(deleted)), false);
  });
});

describe("redactUri, malformed URIs included", () => {
  const cases: Array<[string, string]> = [
    ["https://alice:s3cret@host/x", "https://***@host/x"],
    ["http//user:password@host", "http//***@host"],
    ["http:/user:password@host:5000", "http:/***@host:5000"],
    ["http:user:password@host", "http:***@host"],
    ["user:password@host", "***@host"],
    ["http://user:pass/word@host", "http://***@host"],
    ["http://a@b@host/p", "http://***@host/p"],
    ["http://127.0.0.1:5000", "http://127.0.0.1:5000"],
  ];
  for (const [uri, shown] of cases) it(`shows ${uri} as ${shown}`, () => assert.equal(redactUri(uri), shown));

  it("never echoes the password of a mistyped URI (echoed in clear before)", () => {
    assert.throws(
      () => parseTrackingUri("http//user:password@host", "mlflow.tracking_uri"),
      (error: unknown) =>
        error instanceof StageError &&
        error.message === 'mlflow.tracking_uri = "http//***@host": not a URI; expected http(s)://host:port',
    );
  });

  it("cuts a long URI to an excerpt", () => assert.ok(redactUri(`http://h/${"x".repeat(100_000)}`).length < 260));
});

describe("credentials over plain http", () => {
  it("knows loopback hosts", () => {
    for (const host of ["localhost", "127.0.0.1", "127.3.2.1", "[::1]", "api.localhost"])
      assert.ok(isLoopbackHost(host), host);
    for (const host of ["mlflow.example", "10.0.0.1", "128.0.0.1", "localhost.example.com"])
      assert.ok(!isLoopbackHost(host), host);
  });

  it("warns when credentials would go in clear to another machine, and only then", () => {
    const basic = "the user name and password in MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD";
    assert.equal(
      plainHttpCredentialsWarning("http://mlflow.example:5000", basic),
      `warning: ${basic} will be sent in clear over plain http to mlflow.example:5000; use an https tracking URI`,
    );
    assert.equal(plainHttpCredentialsWarning("https://mlflow.example", basic), undefined);
    assert.equal(plainHttpCredentialsWarning("http://127.0.0.1:5000", basic), undefined);
    assert.equal(plainHttpCredentialsWarning("http://mlflow.example", undefined), undefined);
  });

  it("the client prints the warning once, naming the variables, never the secret", () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    new MlflowClient({ uri: "http://10.1.2.3:5000", credentials: { kind: "bearer", token: "tok-secret" } }, { warn });
    new MlflowClient({ uri: "https://10.1.2.3", credentials: { kind: "bearer", token: "tok-secret" } }, { warn });
    new MlflowClient({ uri: "http://10.1.2.3:5000", credentials: { kind: "none" } }, { warn });
    assert.deepEqual(warnings, [
      "warning: the token in MLFLOW_TRACKING_TOKEN will be sent in clear over plain http to 10.1.2.3:5000; use an https tracking URI",
    ]);
  });
});
