// The commands npm run repro suggests at the end, written so that each runs as typed in the user's own shell.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** The commands the hint names; tests run each of them. */
export const SUGGESTED_COMMANDS = [
  "dvc metrics diff",
  "dvc exp run --queue -S 'poison.rate=0,0.05,0.1,0.5'",
  "npm run plots",
  "npm run dvc -- metrics diff",
] as const;

/**
 * The closing lines. When the shell the user typed `npm run repro` in finds no DVC 3 (it lives in the
 * project's .venv), the first line to type is the exact `export PATH=...` that makes the dvc commands run.
 */
export function closingHint(dvcOnUserPath: boolean, projectRoot: string): string[] {
  const [diff, sweep, plots, passthrough] = SUGGESTED_COMMANDS;
  const lines = [`Compare runs with \`${diff}\`, sweep with \`${sweep}\`, plots offline with \`${plots}\`.`];
  if (dvcOnUserPath) return lines;
  return [
    ...lines,
    "DVC is installed in this project's .venv, not on your PATH: in each new shell, first run",
    `  export PATH="${join(projectRoot, ".venv", "bin")}:$PATH"`,
    `or put \`npm run dvc --\` before the arguments, as in \`${passthrough}\`.`,
  ];
}

/** Whether `dvc` in a shell with this PATH is DVC 3, the version the pipeline needs. */
export function isDvc3OnPath(path: string): boolean {
  const version = spawnSync("dvc", ["--version"], {
    env: { ...process.env, PATH: path, DVC_NO_ANALYTICS: "1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return version.status === 0 && /^3\./.test(version.stdout);
}
