/**
 * Where to push and as whom: the tracking URI from params.yaml or MLFLOW_TRACKING_URI (a server, or a local
 * sqlite store: local-store.ts), credentials from the environment only. Pure: the caller passes the
 * environment in. No message here ever contains a credential.
 */
import { StageError } from "../core/errors.ts";
import { excerpt } from "../core/excerpt.ts";
import type { MlflowParams } from "../core/params.ts";
import { LOCAL_STORE_EXAMPLE, parseLocalStore, type SqliteStore } from "./local-store.ts";

export type Credentials =
  | { kind: "none" }
  | { kind: "bearer"; token: string }
  | { kind: "basic"; username: string; password: string };

export interface TrackingTarget {
  uri: string; // http(s), no credentials, no trailing slash
  experiment: string;
  credentials: Credentials;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Where the push goes: an MLflow server, or a local sqlite store reached through a private server. */
export type TrackingStore = { kind: "server"; target: TrackingTarget } | (SqliteStore & { experiment: string });

/**
 * mlflow.tracking_uri wins over MLFLOW_TRACKING_URI; one of them must be set. An http(s) URI is a server;
 * anything else is a local store (sqlite) or refused. A local store's private server needs no credentials,
 * so none are read for it.
 */
export function trackingStore(params: Pick<MlflowParams, "tracking_uri" | "experiment">, env: Env): TrackingStore {
  const { text, source } = chosenUri(params, env);
  if (/^https?:/i.test(text.trim())) {
    const uri = parseTrackingUri(text, source);
    return { kind: "server", target: { uri, experiment: params.experiment, credentials: credentialsFromEnv(env) } };
  }
  return { ...parseLocalStore(text, source, redactUri(text)), experiment: params.experiment };
}

function chosenUri(params: Pick<MlflowParams, "tracking_uri">, env: Env): { text: string; source: string } {
  if (params.tracking_uri !== null) return { text: params.tracking_uri, source: "mlflow.tracking_uri in params.yaml" };
  const fromEnv = nonEmpty(env.MLFLOW_TRACKING_URI);
  if (fromEnv !== undefined) return { text: fromEnv, source: "MLFLOW_TRACKING_URI" };
  throw new StageError(
    `no MLflow tracking URI: set mlflow.tracking_uri in params.yaml or the environment variable MLFLOW_TRACKING_URI (e.g. http://127.0.0.1:5000, or ${LOCAL_STORE_EXAMPLE} for a local store)`,
  );
}

/** Accepts http and https URIs without user info, query or fragment; drops trailing slashes. */
export function parseTrackingUri(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StageError(`${source} = ${JSON.stringify(redactUri(text))}: not a URI; expected http(s)://host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new StageError(
      `${source} = ${JSON.stringify(redactUri(text))}: only http and https tracking URIs are supported`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new StageError(
      `${source} = ${JSON.stringify(redactUri(text))}: must not contain a user name or password; set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) instead`,
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new StageError(`${source} = ${JSON.stringify(redactUri(text))}: must not have a query or fragment`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/**
 * A URI fit to print, however malformed: everything between the scheme (with or without its colon or
 * slashes, e.g. `http//`) and the last `@` is replaced by `***`, so `http//user:password@host` prints as
 * `http//***@host`; a long URI is cut to an excerpt.
 */
export function redactUri(text: string): string {
  const scheme = /^\s*[a-z][a-z0-9+.-]*(?::\/*|\/+)/i.exec(text)?.[0] ?? "";
  // A bare `user:password@host` starts like a scheme `user:`: only a prefix with slashes or http(s) counts.
  const prefix = scheme.includes("/") || /^\s*https?:/i.test(scheme) ? scheme : "";
  const at = text.lastIndexOf("@");
  return excerpt(at < prefix.length ? text : `${prefix}***${text.slice(at)}`, 200);
}

/** MLflow's own rule: user name and password give basic auth, else a token gives bearer auth. */
export function credentialsFromEnv(env: Env): Credentials {
  const username = nonEmpty(env.MLFLOW_TRACKING_USERNAME);
  const password = nonEmpty(env.MLFLOW_TRACKING_PASSWORD);
  const token = nonEmpty(env.MLFLOW_TRACKING_TOKEN);
  if (username !== undefined && password !== undefined) return { kind: "basic", username, password };
  if ((username === undefined) !== (password === undefined) && token === undefined) {
    const missing = username === undefined ? "MLFLOW_TRACKING_USERNAME" : "MLFLOW_TRACKING_PASSWORD";
    throw new StageError(
      `basic auth needs both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD; ${missing} is not set`,
    );
  }
  if (token !== undefined) return { kind: "bearer", token };
  return { kind: "none" };
}

/** The Authorization header value, or undefined without credentials. */
export function authorizationHeader(credentials: Credentials): string | undefined {
  switch (credentials.kind) {
    case "none":
      return undefined;
    case "bearer":
      return `Bearer ${credentials.token}`;
    case "basic":
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64")}`;
  }
}

/** Which variables supplied the credentials, for messages: names only, never values. */
export function credentialSource(credentials: Credentials): string | undefined {
  switch (credentials.kind) {
    case "none":
      return undefined;
    case "bearer":
      return "the token in MLFLOW_TRACKING_TOKEN";
    case "basic":
      return "the user name and password in MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD";
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
