// Prints the headline figures of the last `dvc repro` and where the full results are (npm run repro's last step).
import { readFileSync } from "node:fs";
import { PATHS } from "../stages/shell/paths.ts";
import { closingHint, isDvc3OnPath } from "./closing-hint.ts";

const read = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const evaluation = read(PATHS.metrics);
const sanitize = read(PATHS.sanitizeMetrics);
const certify: Record<string, number> = read(PATHS.certifyMetrics);
const fixed = (value: number) => value.toFixed(3);

console.log(
  `Single run (params.yaml): clean-test accuracy ${fixed(evaluation.accuracy)}, macro F1 ${fixed(evaluation.f1_macro)},`,
);
console.log(`  accuracy against poisoned test labels ${fixed(evaluation.accuracy_on_poisoned_test)};`);
console.log(
  `  ${evaluation.poison.train_rows_poisoned} of ${evaluation.poison.train_rows} training rows poisoned; defense ${sanitize.defense_method} removed ${sanitize.removed}.`,
);
console.log(
  `Files: ${PATHS.metrics} and ${PATHS.evaluateDetails} (per class), ${PATHS.sanitizeMetrics}, ${PATHS.confusion} (plot), ${PATHS.model}, ${PATHS.manifest}.`,
);
const certified = Object.entries(certify)
  .filter(([key]) => key.startsWith("certified_accuracy_r"))
  .map(([key, value]) => `${fixed(value)} at r = ${key.slice("certified_accuracy_r".length)}`);
console.log(
  `Certified defense (certify): accuracy ${fixed(certify.accuracy ?? Number.NaN)}, certified accuracy ${certified.join(", ")}; ${PATHS.certifyMetrics}, ${PATHS.certifyPlot} (plot).`,
);
console.log(
  `Study over many seeds: ${PATHS.report} (tables, charts, defenses, chosen attacks, what a reviewer should check); its data in ${PATHS.studyResults}, ${PATHS.defensesResults} and ${PATHS.adversaryResults}.`,
);
// scripts/repro.sh passes the PATH of the user's shell, from before setup.sh put .venv/bin on it.
const userPath = process.env.POISONLAB_USER_PATH ?? process.env.PATH ?? "";
for (const line of closingHint(isDvc3OnPath(userPath), process.cwd())) console.log(line);
