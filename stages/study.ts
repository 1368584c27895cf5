// Stage study: degradation across poison levels and learning curves, repeated over many seeds; and label_flip's
// degradation on every data set in study.datasets.

import { seededForest } from "./core/classifier.ts";
import { dataChoice, IRIS_CHOICE, rawFile } from "./core/data-source.ts";
import { stableJson } from "./core/format.ts";
import { studyParams } from "./core/params.ts";
import { loadDataset } from "./core/raw-table.ts";
import { type AcrossResults, runAcrossDegradation } from "./core/study/across.ts";
import {
  degradationAcrossPlot,
  degradationPlot,
  learningCurvePlot,
  studyMetrics,
  studySummary,
} from "./core/study/outputs.ts";
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
  const results = runStudy(
    iris,
    params,
    seededForest(params.forest, iris.schema),
    synthetic,
    progressPrinter("study", "forests"),
  );
  const across: AcrossResults = { repeats: params.repeats, datasets: {} };
  for (const name of params.datasets) {
    const data = loadDataset(readText(rawFile(name)), rawFile(name), dataChoice({ source: name }));
    across.datasets[name] = runAcrossDegradation(
      data,
      params,
      seededForest(params.forest, data.schema),
      progressPrinter(`study ${name}`, "forests"),
    );
  }
  writeOutputs({
    [PATHS.studyResults]: stableJson(results),
    [PATHS.studyMetrics]: stableJson(studyMetrics(results)),
    [PATHS.studySummary]: stableJson(studySummary(results)),
    [PATHS.studyDatasets]: stableJson(across),
    [`${PATHS.studyPlots}/degradation.json`]: stableJson(degradationPlot(results)),
    [`${PATHS.studyPlots}/degradation-datasets.json`]: stableJson(degradationAcrossPlot(across)),
    ...Object.fromEntries(
      ["iris", "synthetic"].map((source) => [
        `${PATHS.studyPlots}/curve-${source}.json`,
        stableJson(learningCurvePlot(results, source)),
      ]),
    ),
  });
  // The same count as the progress lines: every forest fitted.
  const curveFits = (source: string) => (results.curves[source]?.length ?? 0) * params.curves.repeats;
  const degradationFits = results.degradation.length * params.repeats;
  const acrossFits = params.datasets.length * params.across.rates.length * params.repeats;
  console.log(
    `study: ${degradationFits + curveFits("iris") + curveFits("synthetic") + acrossFits} forests: ${results.degradation.length} attack x rate cells x ${params.repeats} repeats, learning curves ${curveFits("iris")} on IRIS and ${curveFits("synthetic")} on synthetic data, ${acrossFits} for label_flip on ${params.datasets.join(", ")} -> ${PATHS.studyResults}, ${PATHS.studyDatasets}`,
  );
});
