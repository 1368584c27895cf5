import { rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Partial files: where an output is written before it is renamed into place. They sit in the output's own
 * folder (a rename must stay on one filesystem) under a hidden name with a prefix no output has, so nothing
 * mistakes one for an output, and every live one is in a registry so that an error or a signal removes it.
 */
export const PARTIAL_PREFIX = ".poisonlab-partial-";

const live = new Set<string>();

/** The partial file for `path`, registered for removal: call before creating it. */
export function claimPartial(path: string): string {
  const partial = join(dirname(path), `${PARTIAL_PREFIX}${process.pid}-${basename(path)}`);
  live.add(partial);
  return partial;
}

/** The partial file became an output (it was renamed): nothing to remove any more. */
export function settlePartial(partial: string): void {
  live.delete(partial);
}

/** Removes one partial file, if it exists. */
export function removePartial(partial: string): void {
  rmSync(partial, { force: true });
  live.delete(partial);
}

/** Removes every partial file still registered. Synchronous: it runs from signal and exit handlers. */
export function removeAllPartials(): void {
  for (const partial of live) {
    try {
      rmSync(partial, { force: true });
    } catch {
      // Best effort: a folder that vanished or went read-only must not hide the original failure.
    }
  }
  live.clear();
}

/** How many partial files are live; for tests. */
export function livePartialCount(): number {
  return live.size;
}
