/**
 * npm run bench:mlflow-local: the push stage's time with a local sqlite store (its private `mlflow server`
 * started and stopped inside the push) against a push to an already running server, median of BENCH_REPEATS
 * (3) runs each, in a throw-away copy of the repository. Each run is the stage's own command
 * (`node stages/run.mjs push`, what dvc runs) under /usr/bin/time, so CPU time (user + sys) includes the
 * private server's, which the stage starts and waits for; the running server's CPU is not counted. "new run"
 * pushes into an empty store (a fresh sqlite file, or a fresh server); "repeat" pushes the same result again
 * (nothing sent). Writes docs/measured-mlflow-local.md.
 */
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { parse, stringify } from "yaml";
import { startMlflowServer } from "../tests/support/mlflow-server.ts";
import { createTempRepo } from "../tests/support/temp-repo.ts";
import { NO_MLFLOW, type Sample, timedPush, writePushTable } from "./timed-push.ts";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const OUTPUT = "docs/measured-mlflow-local.md";
const PUSH = ["stages/run.mjs", "push"];

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
    samples[0]?.push(timedPush(repo, "sqlite:///mlflow.db", PUSH, /push: pushed as run/));
    samples[1]?.push(timedPush(repo, "sqlite:///mlflow.db", PUSH, /push: already in MLflow/));
    const server = await startMlflowServer();
    try {
      samples[2]?.push(timedPush(repo, server.uri, PUSH, /push: pushed as run/));
      samples[3]?.push(timedPush(repo, server.uri, PUSH, /push: already in MLflow/));
    } finally {
      await server.stop({ removeDir: true });
    }
    loads.push(loadavg()[0] ?? 0);
    console.log(`round ${round + 1} of ${REPEATS} done`);
  }

  writePushTable(
    OUTPUT,
    [
      `The push stage (\`node stages/run.mjs push\`, as dvc runs it) on the default result; median of ${REPEATS} runs each.`,
      "Local store: the stage starts its private `mlflow server` on `sqlite:///mlflow.db`, waits for `/health`, pushes",
      "and stops it; its CPU time includes the server's. Running server: one started beforehand (not timed, its CPU",
      "not counted). New run: an empty store; repeat: the same result again, nothing sent.",
    ],
    rows,
    samples,
    loads,
  );
} finally {
  repo.remove();
}
