/** Lines a person reads after a push. Pure. */
import type { PushOutcome } from "./push-run.ts";

export function describeOutcome(outcome: PushOutcome, runName: string, experiment: string, uri: string): string {
  const where = `run ${outcome.runId} (${runName}) of experiment "${experiment}" at ${uri}`;
  switch (outcome.action) {
    case "created":
      return `pushed as ${where}`;
    case "completed":
      return `completed the interrupted push of ${where}`;
    case "already-pushed":
      return `already in MLflow as ${where}; nothing sent`;
  }
}

/** A plain text table, columns padded to their widest cell. */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
