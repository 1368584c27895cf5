// What the benchmarks that write a docs/measured-*.md page share: which code they measured, and the write.
import { execFileSync } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The code a benchmark ran: HEAD's short hash, marked when the working tree differs from it. */
export function workingTreeRevision(): string {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  const changed = git("status", "--porcelain") !== "";
  return `the working tree at ${git("rev-parse", "--short", "HEAD")}${changed ? " with uncommitted changes" : ""}`;
}

/** Writes a page (a path from the repository root) whole or not at all, and says so. */
export function writeMeasuredDoc(path: string, lines: readonly string[]): void {
  const target = join(ROOT, path);
  writeFileSync(`${target}.partial`, `${lines.join("\n")}\n`);
  renameSync(`${target}.partial`, target);
  console.log(`wrote ${path}`);
}
