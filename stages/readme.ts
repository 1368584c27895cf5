// Stage readme: put the study's main table into README.md between its markers; the rest of the file is kept.
import { replaceBlock } from "./core/report/readme-block.ts";
import { readText, writeOutputs } from "./shell/files.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("readme", () => {
  const table = readText(PATHS.mainTable);
  const readme = readText(PATHS.readme);
  const updated = replaceBlock(readme, "study-main-table", table, PATHS.readme);
  if (updated !== readme) writeOutputs({ [PATHS.readme]: updated });
  console.log(`readme: main table ${updated === readme ? "already current" : "updated"} in ${PATHS.readme}`);
});
