/**
 * Starting `mlflow server` the one way this project does, for the push's private server and for the tests'
 * servers alike: 127.0.0.1, a free port, a sqlite backend, artifacts served from a folder, one worker,
 * background jobs off, none of the caller's tracking settings or credentials. Also the readiness probe and
 * the stop of a process group.
 */
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface ServerStore {
  backendStoreUri: string; // sqlite:///<absolute path>
  artifactsDestination: string; // absolute folder
}

/** The arguments of `mlflow server` on 127.0.0.1:port with this store. */
export function mlflowServerArgs(port: number, store: ServerStore): string[] {
  return [
    "server",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--backend-store-uri",
    store.backendStoreUri,
    "--artifacts-destination",
    store.artifactsDestination,
    "--workers",
    "1",
  ];
}

/** The server's environment: the caller's, without its tracking settings (they would steer the server's own client calls). */
export function mlflowServerEnv(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return {
    ...env,
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false", // no job runner process beside the server
    MLFLOW_TRACKING_URI: undefined,
    MLFLOW_TRACKING_USERNAME: undefined,
    MLFLOW_TRACKING_PASSWORD: undefined,
    MLFLOW_TRACKING_TOKEN: undefined,
  };
}

/** `.venv/bin/mlflow` under `root`, else the first `mlflow` on PATH; undefined when there is none. */
export function findMlflowBinary(root: string, path: string | undefined): string | undefined {
  const venv = join(root, ".venv", "bin", "mlflow");
  if (existsSync(venv)) return venv;
  for (const folder of (path ?? "").split(delimiter)) {
    const candidate = join(folder, "mlflow");
    if (folder !== "" && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** True when GET /health answers 2xx within 2 s. */
export async function isHealthy(uri: string): Promise<boolean> {
  try {
    const response = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** A port nothing listens on right now on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Sends a signal to every process of the group led by `pid`; false when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process group: SIGTERM, up to `graceMs` for it to empty, then SIGKILL to whatever is left, and a
 * wait until the group is gone (its leader reaped by the caller's exit listener, the others by init).
 */
export async function stopGroup(pid: number, graceMs = 10_000): Promise<void> {
  if (!signalGroup(pid, "SIGTERM")) return;
  for (let waited = 0; waited < graceMs && signalGroup(pid, 0); waited += 100) await sleep(100);
  signalGroup(pid, "SIGKILL");
  for (let waited = 0; waited < 5_000 && signalGroup(pid, 0); waited += 50) await sleep(50);
}
