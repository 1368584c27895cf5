/**
 * The client's rules, kept pure so they can be tested without a server: which failures are retried, how
 * long to wait, and how an error answer reads.
 */
import { StageError } from "../core/errors.ts";

/** An MLflow request that failed; its message names the server, the request and MLflow's error code. */
export class MlflowError extends StageError {
  override name = "MlflowError";
  constructor(
    message: string,
    readonly status?: number, // HTTP status, absent when no answer came
    readonly errorCode?: string, // MLflow's error_code, e.g. RESOURCE_DOES_NOT_EXIST
  ) {
    super(message);
  }
}

/** Only answers that say "try again later" are retried: 429 and 5xx. A 4xx will not change by retrying. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Connection refused is the one network failure retried: the server is starting or restarting, and no
 * request reached it. A timeout is not retried, since the server may still be applying the request.
 */
export function isConnectionRefused(error: unknown): boolean {
  return errorCodes(error).includes("ECONNREFUSED");
}

/** The errno-style codes in a fetch failure: undici puts them on `cause`, or on `cause.errors` for several addresses. */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || typeof value !== "object" || value === null) return;
    const record = value as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === "string") codes.push(record.code);
    visit(record.cause, depth + 1);
    if (Array.isArray(record.errors)) for (const item of record.errors) visit(item, depth + 1);
  };
  visit(error, 0);
  return [...new Set(codes)];
}

/** Exponential backoff: base, 2 x base, 4 x base, ... one delay per retry. */
export function backoffDelays(retries: number, baseMs: number): number[] {
  return Array.from({ length: retries }, (_, attempt) => baseMs * 2 ** attempt);
}

/** A Retry-After header in seconds, capped; undefined when absent or given as a date. */
export function retryAfterMs(header: string | null, capMs = 30_000): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()) * 1000, capMs);
}

/**
 * Reads an error answer. MLflow sends JSON `{error_code, message}`; some layers (auth, security
 * middleware, proxies) send plain text or HTML, which is reduced to its first words.
 */
export function parseErrorBody(text: string): { errorCode?: string; message: string } {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === "object" && json !== null) {
      const { error_code: errorCode, message } = json as { error_code?: unknown; message?: unknown };
      if (typeof errorCode === "string" || typeof message === "string") {
        return {
          ...(typeof errorCode === "string" ? { errorCode } : {}),
          message: typeof message === "string" ? message : "",
        };
      }
    }
  } catch {
    // not JSON: fall through to plain text
  }
  const plain = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return { message: plain.length > 300 ? `${plain.slice(0, 300)}...` : plain };
}

/** What a person can do about an HTTP status; `credentials` names where they came from (undefined: none given). */
export function statusHint(status: number, credentials: string | undefined): string {
  if (status === 401 && credentials === undefined) {
    return " The server needs credentials: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN.";
  }
  if (status === 401) return ` The server did not accept ${credentials}.`;
  if (status === 403) return ` The server refused access with ${credentials ?? "no credentials"}.`;
  return "";
}

/** The largest answer the client reads: MLflow's JSON answers are kilobytes, our artifacts megabytes. */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Hosts that never leave this machine: what travels to them in clear is not on a network. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * The warning for credentials sent in clear: over plain http to a host other than loopback, anyone on the
 * way can read a Basic password or a token. Undefined when there is nothing to warn about.
 */
export function plainHttpCredentialsWarning(uri: string, credentials: string | undefined): string | undefined {
  if (credentials === undefined) return undefined;
  const url = new URL(uri);
  if (url.protocol !== "http:" || isLoopbackHost(url.hostname)) return undefined;
  return `warning: ${credentials} will be sent in clear over plain http to ${url.host}; use an https tracking URI`;
}

/**
 * The message for a redirect, which the client never follows: a POST re-sent elsewhere would carry the run's
 * data, and a redirect to another origin the credentials, to a server nobody configured. Only the target's
 * origin is shown (no path, no user info).
 */
export function redirectRefused(from: string, status: number, request: string, location: string | null): string {
  let target = "no Location";
  let sameOrigin = false;
  try {
    if (location !== null) {
      const url = new URL(location, from);
      target = url.origin;
      sameOrigin = url.origin === new URL(from).origin;
    }
  } catch {
    target = "an invalid Location";
  }
  const advice = sameOrigin
    ? "set the tracking URI to the address it redirects to"
    : "a redirect to another origin is refused; if that server is the right one, set the tracking URI to it";
  return `MLflow at ${from} answered ${status} to ${request}, a redirect to ${target}; not followed: ${advice}`;
}

/** The message for an answer past the size cap. */
export function replyTooLarge(from: string, request: string, limit: number, declared?: number): string {
  const size = declared === undefined ? `more than ${limit} bytes` : `${declared} bytes`;
  return `MLflow at ${from} answered ${request} with ${size}, over the client's limit of ${limit}; refused (is the tracking URI an MLflow server?)`;
}
