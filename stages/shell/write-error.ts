import { StageError } from "../core/errors.ts";

/** What a person reads for the errno codes a write can fail with, where the code alone says little. */
const REASONS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded (no space left on device for this user)",
  EFBIG: "file too large for this filesystem",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EIO: "input/output error on the device",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "a folder is in the way",
  EMFILE: "too many open files",
};

/**
 * Turns a failed write of `path` into one StageError naming the file and the reason: a full disk reads
 * "no space left on device", not a raw `{ errno: -28, code: 'ENOSPC' }`. Errors without an errno code
 * (bugs) are returned unchanged, to be printed with their stack.
 */
export function writeFailure(error: unknown, path: string): unknown {
  if (error instanceof StageError) return error;
  const code = systemErrorCode(error);
  if (code === undefined) return error;
  return new StageError(`${path}: cannot write it: ${REASONS[code] ?? (error as Error).message} (${code})`);
}

/** The errno code (ENOSPC, EACCES, ...) of a system error; undefined for others, e.g. Node's ERR_STREAM_* codes. */
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}
