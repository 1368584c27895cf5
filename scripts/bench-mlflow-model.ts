/**
 * npm run bench:mlflow-model: the push of a new run to a running `mlflow server`, with the run's MLflow Model
 * (the push stage, `node stages/run.mjs push`) and without it (scripts/bench-push-without-model.ts, the same
 * push less the model), median of BENCH_REPEATS (3) runs each, in a throw-away copy of the repository, each
 * under /usr/bin/time (wall and user + sys of the push process; the server's CPU is not counted). Each sample
 * pushes into its own experiment, so every one makes a new run. Writes docs/measured-mlflow-model.md.
 */
import { loadavg } from "node:os";
import { parse, stringify } from "yaml";
import { startMlflowServer } from "../tests/support/mlflow-server.ts";
import { createTempRepo, type TempRepo } from "../tests/support/temp-repo.ts";
import { NO_MLFLOW, type Sample, timedPush, writePushTable } from "./timed-push.ts";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const OUTPUT = "docs/measured-mlflow-model.md";
const VARIANTS = [
  { name: "with the MLflow Model", args: ["stages/run.mjs", "push"] },
  { name: "without it", args: ["--import", "tsx", "scripts/bench-push-without-model.ts"] },
];

function setExperiment(repo: TempRepo, experiment: string): void {
  const params = parse(repo.read("params.yaml")) as Record<string, Record<string, unknown>>;
  params.mlflow = { ...params.mlflow, enabled: true, tracking_uri: null, experiment };
  repo.write("params.yaml", stringify(params));
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
      samples[index]?.push(timedPush(repo, server.uri, variant.args, /push: pushed as run/));
    });
    loads.push(loadavg()[0] ?? 0);
    console.log(`round ${round + 1} of ${REPEATS} done`);
  }
  writePushTable(
    OUTPUT,
    [
      `A push of a new run of the default result to a running \`mlflow server\` on 127.0.0.1; median of ${REPEATS} runs each.`,
    ],
    VARIANTS.map((variant) => variant.name),
    samples,
    loads,
  );
} finally {
  await server.stop({ removeDir: true });
  repo.remove();
}
