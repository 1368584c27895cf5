/**
 * npm run bench:mlflow-local: the push stage's time with a local sqlite store (its private `mlflow server`
 * started and stopped inside the push) against a push to an already running server, median of BENCH_REPEATS
 * (3) runs each, in a throw-away copy of the repository. Each run is the stage's own command
 * (`node stages/run.mjs push`, what dvc runs) under /usr/bin/time, so CPU time (user + sys) includes the
 * private server's, which the stage starts and waits for; the running server's CPU is not counted. "new run"
 * pushes into an empty store (a fresh sqlite file, or a fresh server); "repeat" pushes the same result again
 * (nothing sent). Writes docs/measured-mlflow-local.md.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parse, stringify } from "yaml";
import { startMlflowServer } from "../tests/support/mlflow-server.ts";
import { createTempRepo, type TempRepo } from "../tests/support/temp-repo.ts";
import { median } from "./median.ts";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const OUTPUT = "docs/measured-mlflow-local.md";
const NO_MLFLOW = {
  MLFLOW_TRACKING_URI: "",
  MLFLOW_TRACKING_TOKEN: "",
  MLFLOW_TRACKING_USERNAME: "",
  MLFLOW_TRACKING_PASSWORD: "",
};

interface Sample {
  wall: number;
  cpu: number;
}

/** One push under /usr/bin/time: wall and user + sys seconds (children included). */
function timedPush(repo: TempRepo, uri: string, expect: RegExp): Sample {
  const result = spawnSync("/usr/bin/time", ["-f", "%e %U %S", process.execPath, "stages/run.mjs", "push"], {
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

const repo = createTempRepo();
try {
  repo.ok("dvc", ["repro", "push"], { env: NO_MLFLOW });
  const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
  params.mlflow = { ...params.mlflow, enabled: true, tracking_uri: null };
  repo.write("params.yaml", stringify(params));

  const rows = [
    "local sqlite store: new run",
    "local sqlite store: repeat",
    "running server: new run",
    "running server: repeat",
  ];
  const samples: Sample[][] = rows.map(() => []);
  const loads: number[] = [];
  for (let round = 0; round < REPEATS; round++) {
    loads.push(loadavg()[0] ?? 0);
    rmSync(repo.path("mlflow.db"), { force: true });
    rmSync(repo.path("mlartifacts"), { recursive: true, force: true });
    samples[0]?.push(timedPush(repo, "sqlite:///mlflow.db", /push: pushed as run/));
    samples[1]?.push(timedPush(repo, "sqlite:///mlflow.db", /push: already in MLflow/));
    const server = await startMlflowServer();
    try {
      samples[2]?.push(timedPush(repo, server.uri, /push: pushed as run/));
      samples[3]?.push(timedPush(repo, server.uri, /push: already in MLflow/));
    } finally {
      await server.stop({ removeDir: true });
    }
    loads.push(loadavg()[0] ?? 0);
    console.log(`round ${round + 1} of ${REPEATS} done`);
  }

  const lines = [
    `The push stage (\`node stages/run.mjs push\`, as dvc runs it) on the default result; median of ${REPEATS} runs each.`,
    "Local store: the stage starts its private `mlflow server` on `sqlite:///mlflow.db`, waits for `/health`, pushes",
    "and stops it; its CPU time includes the server's. Running server: one started beforehand (not timed, its CPU",
    "not counted). New run: an empty store; repeat: the same result again, nothing sent.",
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
  writeFileSync(OUTPUT, lines.join("\n"));
  console.log(`\n${lines.join("\n")}\nwritten to ${OUTPUT}`);
} finally {
  repo.remove();
}
