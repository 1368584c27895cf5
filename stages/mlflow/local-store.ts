/**
 * A local MLflow store named by the tracking URI: a sqlite file the push reaches through a private
 * `mlflow server` of its own. Pure: what the URI means, where the files go, and the messages about them; the
 * shell (local-server.ts) starts and stops the server.
 *
 * Only sqlite is a local store. A folder (`file:` URI or a plain path, MLflow's file store) is refused: MLflow
 * 3.17 keeps that store in maintenance mode and raises unless MLFLOW_ALLOW_FILE_STORE=true, which every later
 * `mlflow ui` would need as well, while one sqlite file plus its artifacts folder does the same job.
 */
import { dirname, join } from "node:path";
import { StageError } from "../core/errors.ts";

export interface SqliteStore {
  kind: "sqlite";
  uri: string; // as given, for messages
  path: string; // the database file as written in the URI: absolute, or relative to the repository root
}

/** The artifacts folder beside the database: MLflow's own default for `mlflow server` and `mlflow ui`. */
export const ARTIFACTS_FOLDER = "mlartifacts";

/** How long the private server may take to answer /health (MLflow imports slowly on a busy machine). */
export const LOCAL_SERVER_START_TIMEOUT_MS = 90_000;

export const LOCAL_STORE_EXAMPLE = "sqlite:///mlflow.db";

const SUPPORTED = `use an http(s)://host:port server or a sqlite file such as ${LOCAL_STORE_EXAMPLE} (relative to the repository root)`;

/**
 * A tracking URI that is not http(s): a sqlite store, or one clear refusal. `source` names where the URI came
 * from (params key or environment variable); `shown` is the URI as fit to print.
 */
export function parseLocalStore(text: string, source: string, shown: string): SqliteStore {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  const where = `${source} = ${JSON.stringify(shown)}`;
  if (scheme === undefined || scheme === "file") {
    throw new StageError(
      `${where}: a folder (MLflow's file store) is not supported, since MLflow 3.17 keeps it in maintenance mode; ${SUPPORTED}`,
    );
  }
  if (scheme !== "sqlite") throw new StageError(`${where}: the ${scheme} scheme is not supported; ${SUPPORTED}`);
  const match = /^sqlite:\/\/\/(.+)$/i.exec(text);
  const path = match?.[1];
  if (path === undefined || path === ":memory:") {
    throw new StageError(
      `${where}: name a database file, e.g. ${LOCAL_STORE_EXAMPLE} (an in-memory store keeps nothing)`,
    );
  }
  if (/[?#]/.test(path)) throw new StageError(`${where}: must not have a query or fragment`);
  return { kind: "sqlite", uri: text, path };
}

/**
 * Where relative store paths start: the repository root. A stage runs there, except under `dvc exp run
 * --temp` or the queue, which run it in a copy at `<root>/.dvc/tmp/exps/...` that is deleted afterwards.
 */
export function repositoryRoot(cwd: string): string {
  const match = /^(.*?)[/\\]\.dvc[/\\]tmp[/\\]exps(?:[/\\]|$)/.exec(cwd);
  return match?.[1] ?? cwd;
}

/** The server's store URI for an absolute database path (four slashes: `sqlite:///` then the path). */
export function sqliteUri(absolutePath: string): string {
  return `sqlite:///${absolutePath}`;
}

/** The artifacts folder of a database path, beside it (relative stays relative). */
export function artifactsBeside(path: string): string {
  return join(dirname(path), ARTIFACTS_FOLDER);
}

/** How to browse the store afterwards, from the repository root. */
export function browseHint(store: SqliteStore): string {
  return `browse it with: .venv/bin/mlflow ui --backend-store-uri ${store.uri} --artifacts-destination ${artifactsBeside(store.path)}`;
}

export function mlflowMissingMessage(store: SqliteStore): string {
  return `the tracking URI ${store.uri} needs MLflow to start a private server, and no mlflow was found in .venv/bin or on PATH; install it with: .venv/bin/pip install -r requirements-mlflow.txt`;
}

/** Why the private server did not start: its exit (code or signal) and the end of its stderr. */
export function serverExitedMessage(
  store: SqliteStore,
  exit: { code: number | null; signal: string | null },
  stderrTail: string,
): string {
  const how = exit.code !== null ? `exited with code ${exit.code}` : `was killed by ${exit.signal ?? "a signal"}`;
  return `the private mlflow server for ${store.uri} ${how} before it was ready${tail(stderrTail)}`;
}

export function serverTimeoutMessage(store: SqliteStore, timeoutMs: number, stderrTail: string): string {
  return `the private mlflow server for ${store.uri} did not answer /health within ${timeoutMs / 1000} s; stopped it${tail(stderrTail)}`;
}

export function serverSpawnMessage(store: SqliteStore, binary: string, reason: string): string {
  return `could not start ${binary} for ${store.uri}: ${reason}`;
}

/** A push's error on the private server, saying which store that server was for. */
export function onPrivateServer(message: string, uri: string, store: SqliteStore): string {
  return `${message} (${uri} was the private mlflow server for ${store.uri}; it is stopped)`;
}

/** The last lines of a server's stderr, indented under the message; the error line is usually the last. */
export function lastLines(text: string, lines = 12, maxChars = 2000): string {
  const kept = text.trimEnd().split("\n").slice(-lines).join("\n");
  return kept.length > maxChars ? `...${kept.slice(-maxChars)}` : kept;
}

function tail(stderr: string): string {
  const kept = lastLines(stderr);
  return kept === "" ? " (it wrote nothing to stderr)" : `; the end of its stderr:\n${kept.replace(/^/gm, "  ")}`;
}
