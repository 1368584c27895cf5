/**
 * Benchmark of the pipeline's wall times (npm run bench:pipeline). Prints medians of repeated runs, measured
 * side by side in one run, in a throw-away copy of the repository:
 *  - the single run forced (`dvc repro --force evaluate`: prepare to evaluate), a no-op `dvc repro`, `dvc status`;
 *  - each single-run stage alone, beside the cost of starting Node with tsx and nothing else (process start share);
 *  - the same empty script through `npx tsx`, the spelling the stage commands avoid;
 *  - the study, defenses and adversary stages (IRIS and the data sets of study.datasets), and the whole pipeline forced
 *    (`dvc repro --force`, every stage), BENCH_SLOW_REPEATS times (default 3).
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createTempRepo, runCommand } from "../tests/support/temp-repo.ts";
import { median } from "./median.ts";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const SLOW_REPEATS = Number(process.env.BENCH_SLOW_REPEATS ?? 3);
const STAGES = ["prepare", "poison", "sanitize", "train", "evaluate"];
const SLOW_STAGES = ["study", "defenses", "adversary"];

const repo = createTempRepo();
writeFileSync(repo.path("empty.ts"), "export {};\n");

function time(command: string, args: string[]): number {
  const start = performance.now();
  const result = runCommand(repo.dir, command, args);
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return seconds;
}

const cases: Array<[string, string, string[]]> = [
  ["dvc repro --force evaluate (single run)", "dvc", ["repro", "--force", "evaluate"]],
  ["dvc repro (nothing to do)", "dvc", ["repro"]],
  ["dvc status", "dvc", ["status"]],
  ["node -e 0", "node", ["-e", "0"]],
  ["node --import tsx empty.ts", "node", ["--import", "tsx", "empty.ts"]],
  ["npx tsx empty.ts", "npx", ["tsx", "empty.ts"]],
  ...STAGES.map((stage): [string, string, string[]] => [
    `stage ${stage}`,
    "node",
    ["--import", "tsx", `stages/${stage}.ts`],
  ]),
];

try {
  time("dvc", ["repro"]); // warm the file cache and create the outputs once
  const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  // Interleave the cases so that machine load hits all of them alike.
  for (let round = 0; round < REPEATS; round++) {
    for (const [name, command, args] of cases) samples.get(name)?.push(time(command, args));
  }
  const slowCases: Array<[string, string, string[]]> = [
    ...SLOW_STAGES.map((stage): [string, string, string[]] => [
      `stage ${stage}`,
      "node",
      ["--import", "tsx", `stages/${stage}.ts`],
    ]),
    ["dvc repro --force (whole pipeline)", "dvc", ["repro", "--force"]],
  ];
  for (const [name] of slowCases) samples.set(name, []);
  for (let round = 0; round < SLOW_REPEATS; round++) {
    for (const [name, command, args] of slowCases) samples.get(name)?.push(time(command, args));
  }
  const medians = new Map([...samples].map(([name, values]) => [name, median(values)]));
  const start = medians.get("node --import tsx empty.ts") ?? 0;
  console.log(
    `poisonlab pipeline benchmark: median of ${REPEATS} interleaved runs (study, defenses, adversary: ${SLOW_REPEATS}), wall seconds\n`,
  );
  console.log("| what | median s | share that is process start (node + tsx) |");
  console.log("|---|---|---|");
  for (const [name] of [...cases, ...slowCases]) {
    const value = medians.get(name) ?? 0;
    const share = name.startsWith("stage ") ? `${Math.round((100 * start) / value)} %` : "";
    console.log(`| ${name} | ${value.toFixed(3)} | ${share} |`);
  }
} finally {
  repo.remove();
}
