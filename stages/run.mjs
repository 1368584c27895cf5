// Runs one stage: `node stages/run.mjs <stage>` loads stages/<stage>.ts through tsx.
// Plain JavaScript, loaded before any npm package, so that a checkout without its packages gets one line
// naming the fix instead of Node's stack trace. Node finds tsx by walking up from this file, which also
// reaches the repository's node_modules from the git-only copies that queued experiments run in.
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

const { register } = await importOrExplain(() => import("tsx/esm/api"));
register();
const entry = new URL(`./${stage}.ts`, import.meta.url);
if (!existsSync(entry)) {
  console.error(`poisonlab: no stage "${stage}": stages/${stage}.ts does not exist`);
  process.exit(2);
}
await importOrExplain(() => import(entry.href));
