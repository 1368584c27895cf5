/**
 * The shell of a local store: starts a private `mlflow server` on the sqlite file, hands its address to the
 * push, and stops it afterwards, on success, on failure and when the process exits early (a signal makes
 * the stage runner exit; the exit listener then kills the server's process group). Nothing is left running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { isAbsolute, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StageError } from "../core/errors.ts";
import {
  artifactsBeside,
  LOCAL_SERVER_START_TIMEOUT_MS,
  mlflowMissingMessage,
  onPrivateServer,
  repositoryRoot,
  type SqliteStore,
  serverExitedMessage,
  serverSpawnMessage,
  serverTimeoutMessage,
  sqliteUri,
} from "./local-store.ts";
import {
  findMlflowBinary,
  freePort,
  isHealthy,
  mlflowServerArgs,
  mlflowServerEnv,
  signalGroup,
  stopGroup,
} from "./server-process.ts";
import type { TrackingStore, TrackingTarget } from "./tracking.ts";

const STDERR_KEEP_CHARS = 16_000;

/**
 * Runs `use` with a server target for the store: an http(s) server as it is, a local store through a
 * private server. `shown` is the URI for messages (the sqlite URI, not the private server's passing port).
 */
export async function withTrackingServer<T>(
  store: TrackingStore,
  use: (target: TrackingTarget, shown: string) => Promise<T>,
): Promise<T> {
  if (store.kind === "server") return use(store.target, store.target.uri);
  const target = (uri: string): TrackingTarget => ({
    uri,
    experiment: store.experiment,
    credentials: { kind: "none" },
  });
  return withPrivateServer(store, (uri) => use(target(uri), store.uri));
}

/** Runs `use` with the http URI of a private server on the store; the server is stopped whatever happens. */
export async function withPrivateServer<T>(store: SqliteStore, use: (uri: string) => Promise<T>): Promise<T> {
  const root = repositoryRoot(process.cwd());
  const binary = findMlflowBinary(root, process.env.PATH);
  if (binary === undefined) throw new StageError(mlflowMissingMessage(store));
  const database = isAbsolute(store.path) ? store.path : resolve(root, store.path);
  const port = await freePort();
  const args = mlflowServerArgs(port, {
    backendStoreUri: sqliteUri(database),
    artifactsDestination: artifactsBeside(database),
  });
  // Its own process group, so one signal stops the server and every worker it forks.
  const child = spawn(binary, args, {
    cwd: root,
    env: mlflowServerEnv(process.env),
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  const server = watch(child);
  const pid = child.pid;
  const killOnExit = () => {
    if (pid !== undefined) signalGroup(pid, "SIGKILL");
  };
  process.once("exit", killOnExit);
  try {
    if (pid === undefined) {
      await server.exited;
      throw new StageError(serverSpawnMessage(store, binary, server.spawnError?.message ?? "no process"));
    }
    const uri = `http://127.0.0.1:${port}`;
    await waitUntilHealthy(uri, server, store, binary);
    try {
      return await use(uri);
    } catch (error) {
      // The client's messages name the server's address, which means nothing to whoever named the store.
      if (error instanceof StageError) throw new StageError(onPrivateServer(error.message, uri, store));
      throw error;
    }
  } finally {
    if (pid !== undefined) await stopGroup(pid);
    child.stderr?.destroy();
    process.removeListener("exit", killOnExit);
  }
}

interface WatchedServer {
  exit?: { code: number | null; signal: string | null };
  spawnError?: Error;
  exited: Promise<void>;
  stderr(): string;
}

/** Keeps the end of the server's stderr and notes when it exits. */
function watch(child: ChildProcess): WatchedServer {
  let kept = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    kept = (kept + chunk).slice(-STDERR_KEEP_CHARS);
  });
  const server: WatchedServer = {
    exited: new Promise((done) => {
      child.once("exit", (code, signal) => {
        server.exit = { code, signal };
        done();
      });
      child.once("error", (error) => {
        server.spawnError = error;
        server.exit ??= { code: null, signal: null };
        done();
      });
    }),
    stderr: () => kept,
  };
  return server;
}

async function waitUntilHealthy(uri: string, server: WatchedServer, store: SqliteStore, binary: string): Promise<void> {
  const started = Date.now();
  while (!(await isHealthy(uri))) {
    if (server.exit !== undefined) {
      // Let the last of its stderr arrive: the reason is usually its last line.
      await sleep(100);
      if (server.spawnError !== undefined)
        throw new StageError(serverSpawnMessage(store, binary, server.spawnError.message));
      throw new StageError(serverExitedMessage(store, server.exit, server.stderr()));
    }
    if (Date.now() - started > LOCAL_SERVER_START_TIMEOUT_MS) {
      throw new StageError(serverTimeoutMessage(store, LOCAL_SERVER_START_TIMEOUT_MS, server.stderr()));
    }
    await sleep(250);
  }
}
