/**
 * Cloud storage on 127.0.0.1 for the remote tests: moto's S3 server and gcp-storage-emulator (Google Cloud
 * Storage), from requirements-remotes.txt in .venv (on PATH under `npm test`). Each gets a free port and one
 * bucket, and says which environment a DVC command needs to reach it: credentials come from the environment
 * only, as they would for the real services.
 */
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { freePort } from "../../stages/mlflow/server-process.ts";
import { answers, type BackgroundServer, startBackgroundServer } from "./background-server.ts";

export interface StorageEmulator {
  /** The DVC remote URL of the bucket's folder, e.g. s3://poisonlab/store. */
  url: string;
  /** What `dvc remote modify <name> endpointurl` gets. */
  endpoint: string;
  /** Environment of a dvc command that talks to it. */
  env: Record<string, string>;
  server: BackgroundServer;
}

export const BUCKET = "poisonlab";

function findTool(name: string): string {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(folder, name);
    if (folder !== "" && existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not installed: the remote tests need it. Run \`npm test\` (it installs requirements-remotes.txt into .venv), or put .venv/bin on PATH`,
  );
}

/** moto's S3 server; the bucket is created with a plain PUT (moto checks no signature by default). */
export async function startS3Emulator(): Promise<StorageEmulator> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = await startBackgroundServer({
    name: "moto-s3",
    command: findTool("moto_server"),
    args: ["-H", "127.0.0.1", "-p", String(port)],
    ready: () => answers(`${endpoint}/`),
  });
  const created = await fetch(`${endpoint}/${BUCKET}`, { method: "PUT", signal: AbortSignal.timeout(10_000) });
  await created.arrayBuffer();
  if (!created.ok) {
    await server.stop();
    throw new Error(`moto did not create bucket ${BUCKET}: HTTP ${created.status}`);
  }
  return {
    url: `s3://${BUCKET}/store`,
    endpoint,
    // Any key pair: moto accepts every one. A real bucket takes the same two variables (or AWS_PROFILE).
    env: {
      AWS_ACCESS_KEY_ID: "poisonlab-test",
      AWS_SECRET_ACCESS_KEY: "poisonlab-test",
      AWS_DEFAULT_REGION: "us-east-1",
    },
    server,
  };
}

/** gcp-storage-emulator in memory, with the bucket made at start. */
export async function startGcsEmulator(): Promise<StorageEmulator> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = await startBackgroundServer({
    name: "gcs-emulator",
    command: findTool("gcp-storage-emulator"),
    args: ["start", "--host", "127.0.0.1", "--port", String(port), "--default-bucket", BUCKET, "--in-memory"],
    ready: () => answers(`${endpoint}/storage/v1/b/${BUCKET}`),
  });
  return {
    url: `gs://${BUCKET}/store`,
    endpoint,
    env: {
      // gcsfs sends its requests to the emulator and, finding no Google credentials, goes anonymous.
      STORAGE_EMULATOR_HOST: endpoint,
      // The emulator has no storage-control API, which gcsfs's bucket-type probe would call first.
      GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT: "false",
      // No Google credentials of the machine may be used, and no metadata-server probe.
      GOOGLE_APPLICATION_CREDENTIALS: "",
      NO_GCE_CHECK: "true",
    },
    server,
  };
}
