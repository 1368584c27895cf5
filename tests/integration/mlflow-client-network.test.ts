/**
 * The client's network rules over real loopback HTTP. A real MLflow server cannot be told to answer 503 or
 * to hang, so these use small node:http servers on 127.0.0.1 that answer as a struggling server would.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { MlflowClient } from "../../stages/mlflow/client.ts";
import { MlflowError } from "../../stages/mlflow/http-policy.ts";
import { freePort } from "../../stages/mlflow/server-process.ts";

type Handler = (request: IncomingMessage, response: ServerResponse, count: number) => void;

const servers: Server[] = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handler: Handler): Promise<{ uri: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    handler(request, response, requests.length);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

const none = { kind: "none" } as const;
const fast = { retries: 3, backoffMs: 10 };
const experiment = { experiment: { experiment_id: "7", name: "x", lifecycle_stage: "active" } };

describe("MlflowClient over the network", () => {
  it("retries 503 and 429 with backoff, then succeeds", async () => {
    const server = await serve((_, response, count) => {
      if (count === 1) return json(response, 503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
      if (count === 2)
        return json(
          response,
          429,
          { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" },
          { "retry-after": "0" },
        );
      json(response, 200, experiment);
    });
    const found = await new MlflowClient({ uri: server.uri, credentials: none }, fast).getExperimentByName("x");
    assert.equal(found?.experiment_id, "7");
    assert.equal(server.requests.length, 3);
  });

  it("does not retry a 4xx, and names MLflow's error code and message", async () => {
    const server = await serve((_, response) =>
      json(response, 400, { error_code: "INVALID_PARAMETER_VALUE", message: "bad key" }),
    );
    await assert.rejects(
      new MlflowClient({ uri: server.uri, credentials: none }, fast).logBatch("r", {}),
      (error: unknown) => {
        assert.ok(error instanceof MlflowError);
        assert.equal(
          error.message,
          `MLflow at ${server.uri} answered 400 INVALID_PARAMETER_VALUE to POST mlflow/runs/log-batch: bad key.`,
        );
        return true;
      },
    );
    assert.equal(server.requests.length, 1);
  });

  it("gives up after the last retry of a 5xx with the server's own words", async () => {
    const server = await serve((_, response) =>
      response.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad Gateway</h1>"),
    );
    await assert.rejects(
      new MlflowClient({ uri: server.uri, credentials: none }, fast).getRun("r"),
      /answered 502 Bad Gateway to GET mlflow\/runs\/get: Bad Gateway\./,
    );
    assert.equal(server.requests.length, 4);
  });

  it("sends the token as a bearer header and says which variable it came from on a 401, never its value", async () => {
    const server = await serve((_, response) =>
      response.writeHead(401, { "content-type": "text/plain" }).end("You are not authenticated."),
    );
    const token = "tok-do-not-print-123";
    await assert.rejects(
      new MlflowClient({ uri: server.uri, credentials: { kind: "bearer", token } }, fast).getRun("r"),
      (error: unknown) => {
        assert.ok(error instanceof MlflowError);
        assert.equal(error.status, 401);
        assert.match(
          error.message,
          /answered 401 Unauthorized .*You are not authenticated\. The server did not accept the token in MLFLOW_TRACKING_TOKEN\./,
        );
        assert.ok(!error.message.includes(token));
        return true;
      },
    );
    assert.equal(server.requests[0]?.headers.authorization, `Bearer ${token}`);
  });

  it("times out a request that gets no answer, without retrying it", async () => {
    const server = await serve(() => {
      // never answers
    });
    const client = new MlflowClient({ uri: server.uri, credentials: none }, { ...fast, timeoutMs: 200 });
    await assert.rejects(
      client.getRun("r"),
      new RegExp(`MLflow at ${server.uri} gave no answer to GET mlflow/runs/get within 0.2 s`),
    );
    assert.equal(server.requests.length, 1);
  });

  it("retries connection refused, then names the URI", async () => {
    const uri = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(
      new MlflowClient({ uri, credentials: none }, fast).getRun("r"),
      new RegExp(
        `cannot reach the MLflow server at ${uri}: connection refused \\(4 tries over 0\\.1 s\\)\\. Is it running`,
      ),
    );
  });

  it("rejects an answer that does not match the schema", async () => {
    const server = await serve((_, response) => json(response, 200, { run: { info: { run_id: 5 } } }));
    await assert.rejects(
      new MlflowClient({ uri: server.uri, credentials: none }, fast).getRun("r"),
      /gave an unexpected answer to GET mlflow\/runs\/get:\n✖/,
    );
  });
});

describe("MlflowClient distrusts the server's answers", () => {
  it("refuses an answer past the size cap while streaming it, and stops the download", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const server = await serve((_, response) => {
      response.writeHead(200, { "content-type": "application/json" }); // chunked: no length announced
      const push = (): void => {
        // Bounded: the server gives up after 200 MiB whatever the client does.
        while (sent < 200 && !response.destroyed) {
          sent++;
          if (!response.write(chunk)) return void response.once("drain", push);
        }
        response.end();
      };
      response.on("close", () => response.destroy());
      push();
    });
    await assert.rejects(
      new MlflowClient({ uri: server.uri, credentials: none }, fast).getRun("r"),
      new RegExp(
        `MLflow at ${server.uri} answered GET mlflow/runs/get with more than 67108864 bytes, over the client's limit of 67108864; refused`,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(sent < 100, `the server got to send ${sent} MiB of 200: the client kept reading`);
  });

  it("refuses an answer whose declared length is past the cap without reading it", async () => {
    const server = await serve((_, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "5000" }).end("x".repeat(5000));
    });
    await assert.rejects(
      new MlflowClient({ uri: server.uri, credentials: none }, { ...fast, maxReplyBytes: 4096 }).getRun("r"),
      /answered GET mlflow\/runs\/get with 5000 bytes, over the client's limit of 4096; refused/,
    );
  });

  it("refuses a redirect to another origin, which never sees the request or the credentials", async () => {
    const elsewhere = await serve((_, response) => json(response, 200, {}));
    const server = await serve((_, response) =>
      response.writeHead(307, { location: `${elsewhere.uri}/api/2.0/mlflow/runs/create` }).end(),
    );
    const credentials = { kind: "bearer", token: "tok-stays-here" } as const;
    await assert.rejects(
      new MlflowClient({ uri: server.uri, credentials }, fast).createExperiment("x"),
      (error: unknown) => {
        assert.ok(error instanceof MlflowError);
        assert.equal(
          error.message,
          `MLflow at ${server.uri} answered 307 to POST mlflow/experiments/create, a redirect to ${elsewhere.uri}; not followed: a redirect to another origin is refused; if that server is the right one, set the tracking URI to it`,
        );
        return true;
      },
    );
    assert.equal(elsewhere.requests.length, 0);
    assert.equal(server.requests.length, 1, "not retried");
  });

  it("does not follow a redirect within the same origin either, and says where to point the URI", async () => {
    const server = await serve((request, response) =>
      response.writeHead(301, { location: `/mlflow${request.url}` }).end(),
    );
    await assert.rejects(
      new MlflowClient({ uri: server.uri, credentials: none }, fast).getRun("r"),
      /answered 301 to GET mlflow\/runs\/get, a redirect to http:\/\/127\.0\.0\.1:\d+; not followed: set the tracking URI to the address it redirects to/,
    );
    assert.equal(server.requests.length, 1);
  });
});
