// What bench:mlflow-local and bench:mlflow-model share: a push timed under /usr/bin/time in a temporary copy
// of the repository, and the markdown table of medians both write to docs/.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { TempRepo } from "../tests/support/temp-repo.ts";
import { median } from "./median.ts";

/** The caller's MLflow settings cleared, so only the URI each push is given counts. */
export const NO_MLFLOW = {
  MLFLOW_TRACKING_URI: "",
  MLFLOW_TRACKING_TOKEN: "",
  MLFLOW_TRACKING_USERNAME: "",
  MLFLOW_TRACKING_PASSWORD: "",
};

export interface Sample {
  wall: number;
  cpu: number;
}

/** One `node <args>` push under /usr/bin/time: wall and user + sys seconds (children included). */
export function timedPush(repo: TempRepo, uri: string, args: readonly string[], expect: RegExp): Sample {
  const result = spawnSync("/usr/bin/time", ["-f", "%e %U %S", process.execPath, ...args], {
    cwd: repo.dir,
    env: { ...process.env, ...NO_MLFLOW, MLFLOW_TRACKING_URI: uri },
    encoding: "utf8",
  });
  if (result.status !== 0 || !expect.test(result.stdout)) {
    throw new Error(`push to ${uri} failed or said something else:\n${result.stdout}\n${result.stderr}`);
  }
  const [wall, user, sys] = (result.stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
  return { wall: wall ?? Number.NaN, cpu: (user ?? Number.NaN) + (sys ?? Number.NaN) };
}

/** Writes `output`: the introduction, a row of medians per push kind, the load averages; and prints it. */
export function writePushTable(
  output: string,
  introduction: readonly string[],
  rows: readonly string[],
  samples: readonly Sample[][],
  loads: readonly number[],
): void {
  const lines = [
    ...introduction,
    "",
    "| push | wall time (s) | CPU time, user + sys (s) |",
    "| --- | --- | --- |",
    ...rows.map((row, index) => {
      const runs = samples[index] ?? [];
      return `| ${row} | ${median(runs.map((s) => s.wall)).toFixed(2)} | ${median(runs.map((s) => s.cpu)).toFixed(2)} |`;
    }),
    "",
    `1-minute load average at the start and end of each round: ${loads.map((load) => load.toFixed(2)).join(", ")}`,
    "(2 cores).",
    "",
  ];
  writeFileSync(output, lines.join("\n"));
  console.log(`\n${lines.join("\n")}\nwritten to ${output}`);
}
