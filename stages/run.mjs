// Runs one stage: `node stages/run.mjs <stage>` runs build/<stage>.mjs, the stage's bundle that the `build`
// stage writes (stages/build.mjs; `dvc repro` brings it up to date before any stage that runs it). A bundle
// holds the npm packages it uses, so it runs without node_modules, in DVC's git-only experiment copies too.
// To run a stage from its sources instead: `node --import tsx stages/<stage>.ts`.
import { existsSync } from "node:fs";

const stage = process.argv[2] ?? "";
if (!/^[a-z][a-z-]*$/.test(stage)) {
  console.error(`poisonlab: usage: node stages/run.mjs <stage>, got "${stage.slice(0, 40)}"`);
  process.exit(2);
}

const bundle = new URL(`../build/${stage}.mjs`, import.meta.url);
if (!existsSync(bundle)) {
  const source = new URL(`./${stage}.ts`, import.meta.url);
  console.error(
    existsSync(source)
      ? `poisonlab ${stage}: build/${stage}.mjs is missing: run \`dvc repro build\` (or \`node stages/build.mjs\`)`
      : `poisonlab: no stage "${stage}": stages/${stage}.ts does not exist`,
  );
  process.exit(2);
}
await import(bundle.href);
