// npm run deps: the code deps each stage in dvc.yaml should list (the launcher, its bundle and the bundles of the
// workers it starts, then its data), and what is missing or extra now; exits 1 on a mismatch.
// `npm run deps -- --write` puts the expected code deps into dvc.yaml, keeping its other deps and comments.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { rewriteDeps, stageDeps } from "./import-closure.ts";

const DVC_YAML = "dvc.yaml";
const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined);
const text = readFileSync(DVC_YAML, "utf8");
const report = stageDeps(parse(text), read);
const wrong = report.filter((stage) => stage.missing.length + stage.extra.length > 0);

if (process.argv.includes("--write")) {
  writeFileSync(DVC_YAML, rewriteDeps(text, wrong));
  console.log(`${DVC_YAML}: deps rewritten for ${wrong.map((stage) => stage.stage).join(", ") || "no stage"}`);
  process.exit(0);
}
for (const { stage, expected, missing, extra } of report) {
  const problems = [...missing.map((file) => `missing ${file}`), ...extra.map((file) => `extra ${file}`)];
  console.log(`  ${stage}:${problems.length > 0 ? `   # dvc.yaml: ${problems.join(", ")}` : ""}`);
  console.log("    deps:");
  for (const dep of expected) console.log(`      - ${dep}`);
}
if (wrong.length > 0) {
  console.error(
    `stage deps out of date in ${DVC_YAML}: ${wrong.map((stage) => stage.stage).join(", ")} (npm run deps -- --write fixes them)`,
  );
  process.exit(1);
}
console.log(`${DVC_YAML}: every stage lists exactly the code it loads`);
