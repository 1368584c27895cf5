/**
 * A real `mlflow server` for tests: 127.0.0.1, a free port, a sqlite backend and artifacts in a temp
 * folder, one worker, background jobs off. Started as its own process group and stopped by its pid (the
 * group), also when the test process exits early. A missing mlflow binary is an error, never a skip:
 * `npm test` installs it from requirements-mlflow.txt into .venv, whose bin folder is on PATH.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  findMlflowBinary,
  freePort,
  isHealthy,
  mlflowServerArgs,
  mlflowServerEnv,
  signalGroup,
} from "../../stages/mlflow/server-process.ts";
import { removeFolder, waitUntilNoProcessIn } from "./folder-processes.ts";
import { PROJECT_ROOT } from "./temp-repo.ts";

export interface MlflowServerOptions {
  /** Start the basic-auth app (`--app-name basic-auth`) with a fresh admin password. */
  basicAuth?: boolean;
  /** Reuse a stopped server's folder (its database and artifacts), e.g. to restart it. */
  dir?: string;
  /** Reuse a port, e.g. to restart a server where a client expects it. */
  port?: number;
}

export interface MlflowServer {
  uri: string;
  port: number;
  pid: number;
  dir: string;
  /** The admin of a basic-auth server. */
  admin?: { username: string; password: string };
  /** Stops the server (SIGTERM to its process group, SIGKILL after 10 s); keeps its folder unless told. */
  stop(options?: { removeDir?: boolean }): Promise<void>;
  log(): string;
}

const HEALTH_TIMEOUT_MS = 90_000;
const running = new Set<number>();

process.on("exit", () => {
  for (const pid of running) killGroup(pid, "SIGKILL");
});

export function findMlflow(): string {
  const fromEnv = process.env.POISONLAB_MLFLOW_BIN;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const found = findMlflowBinary(PROJECT_ROOT, process.env.PATH);
  if (found !== undefined) return found;
  throw new Error(
    "mlflow is not installed: the MLflow tests need a real `mlflow server`. Run `npm test` (it installs requirements-mlflow.txt into .venv), or put .venv/bin on PATH, or set POISONLAB_MLFLOW_BIN",
  );
}

export async function startMlflowServer(options: MlflowServerOptions = {}): Promise<MlflowServer> {
  const binary = findMlflow();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "poisonlab-mlflow-"));
  const port = options.port ?? (await freePort());
  // The push's private server starts the same way (stages/mlflow/server-process.ts).
  const env = mlflowServerEnv(process.env);
  const args = mlflowServerArgs(port, {
    backendStoreUri: `sqlite:///${join(dir, "mlflow.db")}`,
    artifactsDestination: join(dir, "artifacts"),
  });
  let admin: MlflowServer["admin"];
  if (options.basicAuth) {
    // MLflow 3.17 ships no default admin password (and refuses the old password1234): make one up.
    const passwordFile = join(dir, "admin-password");
    const password = existsSync(passwordFile)
      ? readFileSync(passwordFile, "utf8")
      : `pw-${randomBytes(12).toString("hex")}`;
    writeFileSync(passwordFile, password);
    admin = { username: "admin", password };
    const config = join(dir, "basic_auth.ini");
    writeFileSync(
      config,
      [
        "[mlflow]",
        "default_permission = READ",
        `database_uri = sqlite:///${join(dir, "basic_auth.db")}`,
        "admin_username = admin",
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth",
        "",
      ].join("\n"),
    );
    env.MLFLOW_AUTH_CONFIG_PATH = config;
    env.MLFLOW_AUTH_ADMIN_PASSWORD = password;
    env.MLFLOW_FLASK_SERVER_SECRET_KEY = randomBytes(16).toString("hex");
    args.push("--app-name", "basic-auth");
  }
  const logPath = join(dir, "server.log");
  const logFd = openSync(logPath, "a");
  // Its own process group, output to a file: nothing it leaves behind can hold the test runner's pipes.
  const child = spawn(binary, args, { cwd: dir, env, stdio: ["ignore", logFd, logFd], detached: true });
  closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${binary}`);
  running.add(pid);
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  const uri = `http://127.0.0.1:${port}`;
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, "utf8") : "");
  const stop = async ({ removeDir = false } = {}): Promise<void> => {
    if (exited === undefined) {
      killGroup(pid, "SIGTERM");
      for (let waited = 0; exited === undefined && waited < 10_000; waited += 100) await sleep(100);
      if (exited === undefined) killGroup(pid, "SIGKILL");
    }
    killGroup(pid, "SIGKILL"); // any worker left in the group
    running.delete(pid);
    // Its workers run in its folder: wait until they are gone, so none writes into a removed folder.
    waitUntilNoProcessIn(dir, 10_000);
    if (removeDir) removeFolder(dir);
  };
  const started = Date.now();
  // A folder this call made is removed when the server never gets healthy; a folder passed in is the caller's.
  const failed = async (message: string): Promise<never> => {
    await stop({ removeDir: options.dir === undefined });
    throw new Error(message);
  };
  while (true) {
    if (exited !== undefined)
      await failed(`mlflow server exited with ${exited} before it was healthy:\n${log().slice(-3000)}`);
    if (await isHealthy(uri)) break;
    if (Date.now() - started > HEALTH_TIMEOUT_MS) {
      await failed(
        `mlflow server at ${uri} was not healthy within ${HEALTH_TIMEOUT_MS / 1000} s:\n${log().slice(-3000)}`,
      );
    }
    await sleep(250);
  }
  return { uri, port, pid, dir, stop, log, ...(admin === undefined ? {} : { admin }) };
}

/**
 * Waits until fetch has dropped keep-alive connections the server may have closed. A synchronous command
 * (repo.ok, spawnSync) blocks this process's event loop, so fetch's 4 s idle timer cannot fire, while the
 * server closes idle connections after 5 s; a request on such a connection fails with "other side
 * closed". Call this after a long synchronous command, before talking to the server from the test.
 */
export async function settleConnections(): Promise<void> {
  await sleep(1200);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  signalGroup(pid, signal);
}
