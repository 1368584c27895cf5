/**
 * An error meant for a person: its message names the file, line or params key and the value at fault.
 * Only the stage runner prints it (without a stack) and turns it into a non-zero exit.
 */
export class StageError extends Error {
  override name = "StageError";
}
