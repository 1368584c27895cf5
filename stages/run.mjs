// Runs one stage: `node stages/run.mjs <stage>` runs build/<stage>.mjs, the stage's bundle that the `build`
// stage writes (stages/build.mjs; `dvc repro` brings it up to date before any stage that runs it).
// Plain JavaScript, loaded before any npm package, so that a checkout without its packages gets one line
// naming the fix instead of Node's stack trace. Node finds the packages the bundle imports by walking up from
// build/, which also reaches the repository's node_modules from the git-only copies that queued experiments
// run in. To run a stage from its sources instead: `node --import tsx stages/<stage>.ts`.
import { existsSync } from "node:fs";

const stage = process.argv[2] ?? "";
if (!/^[a-z][a-z-]*$/.test(stage)) {
  console.error(`poisonlab: usage: node stages/run.mjs <stage>, got "${stage.slice(0, 40)}"`);
  process.exit(2);
}

/** The npm package a failed import was missing, or null when the failure is something else. */
function missingPackage(error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") return null;
  return /Cannot find package '([^']+)'/.exec(String(error.message))?.[1] ?? null;
}

async function importOrExplain(load) {
  try {
    return await load();
  } catch (error) {
    const name = missingPackage(error);
    if (name === null) throw error;
    console.error(`poisonlab ${stage}: npm packages are missing (${name}): run \`npm ci\``);
    process.exit(1);
  }
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
await importOrExplain(() => import(bundle.href));
