// Stage study: degradation across poison levels and learning curves, repeated over many seeds.
import { IRIS_CHOICE } from "./core/data-source.ts";
import { stableJson } from "./core/format.ts";
import { studyParams } from "./core/params.ts";
import { loadDataset } from "./core/raw-table.ts";
import { forestFit } from "./core/study/fit.ts";
import { degradationPlot, learningCurvePlot, studyMetrics } from "./core/study/outputs.ts";
import { runStudy } from "./core/study/run-study.ts";
import { fitSynthetic } from "./core/synthetic.ts";
import { readText, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { progressPrinter } from "./shell/progress.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("study", () => {
  const params = loadParams("study", studyParams);
  const iris = loadDataset(readText(PATHS.iris), PATHS.iris, IRIS_CHOICE);
  const synthetic = fitSynthetic(iris);
  const results = runStudy(iris, params, forestFit(params.forest, iris.schema), synthetic, progressPrinter("study"));
  writeOutputs({
    [PATHS.studyResults]: stableJson(results),
    [PATHS.studyMetrics]: stableJson(studyMetrics(results)),
    ...Object.fromEntries(
      params.methods.map((method) => [
        `${PATHS.studyPlots}/degradation-${method}.json`,
        stableJson(degradationPlot(results, method)),
      ]),
    ),
    ...Object.fromEntries(
      ["iris", "synthetic"].map((source) => [
        `${PATHS.studyPlots}/curve-${source}.json`,
        stableJson(learningCurvePlot(results, source)),
      ]),
    ),
  });
  console.log(
    `study: ${results.degradation.length} cells x ${params.repeats} repeats and two learning curves -> ${PATHS.studyResults}`,
  );
});
