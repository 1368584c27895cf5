/**
 * npm run bench:mlflow-model: the push of a new run to a running `mlflow server`, with the run's MLflow Model
 * (the push stage, `node stages/run.mjs push`) and without it (scripts/bench-push-without-model.ts, the same
 * push less the model), median of BENCH_REPEATS (3) runs each, in a throw-away copy of the repository, each
 * under /usr/bin/time (wall and user + sys of the push process; the server's CPU is not counted). Each sample
 * pushes into its own experiment, so every one makes a new run. Writes docs/measured-mlflow-model.md.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parse, stringify } from "yaml";
import { startMlflowServer } from "../tests/support/mlflow-server.ts";
import { createTempRepo, type TempRepo } from "../tests/support/temp-repo.ts";
import { median } from "./median.ts";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const OUTPUT = "docs/measured-mlflow-model.md";
const NO_MLFLOW = {
  MLFLOW_TRACKING_URI: "",
  MLFLOW_TRACKING_TOKEN: "",
  MLFLOW_TRACKING_USERNAME: "",
  MLFLOW_TRACKING_PASSWORD: "",
};
const VARIANTS = [
  { name: "with the MLflow Model", args: ["stages/run.mjs", "push"] },
  { name: "without it", args: ["--import", "tsx", "scripts/bench-push-without-model.ts"] },
];

interface Sample {
  wall: number;
  cpu: number;
}

function setExperiment(repo: TempRepo, experiment: string): void {
  const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
  params.mlflow = { ...params.mlflow, enabled: true, tracking_uri: null, experiment };
  repo.write("params.yaml", stringify(params));
}

function timedPush(repo: TempRepo, uri: string, args: string[]): Sample {
  const result = spawnSync("/usr/bin/time", ["-f", "%e %U %S", process.execPath, ...args], {
    cwd: repo.dir,
    env: { ...process.env, ...NO_MLFLOW, MLFLOW_TRACKING_URI: uri },
    encoding: "utf8",
  });
  if (result.status !== 0 || !/push: pushed as run/.test(result.stdout)) {
    throw new Error(`push failed or made no new run:\n${result.stdout}\n${result.stderr}`);
  }
  const [wall, user, sys] = (result.stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
  return { wall: wall ?? Number.NaN, cpu: (user ?? Number.NaN) + (sys ?? Number.NaN) };
}

const repo = createTempRepo();
const server = await startMlflowServer();
try {
  repo.ok("dvc", ["repro", "push"], { env: NO_MLFLOW });
  const samples: Sample[][] = VARIANTS.map(() => []);
  const loads: number[] = [];
  for (let round = 0; round < REPEATS; round++) {
    loads.push(loadavg()[0] ?? 0);
    VARIANTS.forEach((variant, index) => {
      setExperiment(repo, `bench-${round}-${index}`);
      samples[index]?.push(timedPush(repo, server.uri, variant.args));
    });
    loads.push(loadavg()[0] ?? 0);
    console.log(`round ${round + 1} of ${REPEATS} done`);
  }
  const lines = [
    `A push of a new run of the default result to a running \`mlflow server\` on 127.0.0.1; median of ${REPEATS} runs each.`,
    "",
    "| push | wall time (s) | CPU time, user + sys (s) |",
    "| --- | --- | --- |",
    ...VARIANTS.map((variant, index) => {
      const runs = samples[index] ?? [];
      return `| ${variant.name} | ${median(runs.map((s) => s.wall)).toFixed(2)} | ${median(runs.map((s) => s.cpu)).toFixed(2)} |`;
    }),
    "",
    `1-minute load average at the start and end of each round: ${loads.map((load) => load.toFixed(2)).join(", ")}`,
    "(2 cores).",
    "",
  ];
  writeFileSync(OUTPUT, lines.join("\n"));
  console.log(`\n${lines.join("\n")}\nwritten to ${OUTPUT}`);
} finally {
  await server.stop({ removeDir: true });
  repo.remove();
}
