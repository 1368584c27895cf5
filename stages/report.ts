// Stage report: the study report in markdown, its charts as SVG, and the README's main table.

import { renderSvg } from "./charts/render.ts";
import { acrossChartSpec, CHART_FILES, certifiedChartSpec, studyChartSpecs } from "./charts/study-charts.ts";
import { studyParams } from "./core/params.ts";
import { acrossSection } from "./core/report/across-section.ts";
import { adversarySection, reviewerSection } from "./core/report/adversary-section.ts";
import { defenseSection } from "./core/report/defense-section.ts";
import { mainTable, studyReport } from "./core/report/study-report.ts";
import {
  parseAcrossDefenses,
  parseAcrossResults,
  parseAdversaryResults,
  parseDefenseCells,
  parseStudyResults,
} from "./core/study/results-file.ts";
import { readJson, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("report", async () => {
  const study = loadParams("study", studyParams);
  const results = parseStudyResults(readJson(PATHS.studyResults), PATHS.studyResults, study);
  const defenses = parseDefenseCells(readJson(PATHS.defensesResults), PATHS.defensesResults, study);
  const across = parseAcrossResults(readJson(PATHS.studyDatasets), PATHS.studyDatasets, study);
  const acrossDefenses = parseAcrossDefenses(readJson(PATHS.defensesDatasets), PATHS.defensesDatasets, study);
  const adversary = parseAdversaryResults(readJson(PATHS.adversaryResults), PATHS.adversaryResults, study);
  const specs = {
    ...studyChartSpecs(results),
    [CHART_FILES.degradationDatasets]: acrossChartSpec(across),
    [CHART_FILES.certified]: certifiedChartSpec(adversary),
  };
  const charts: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) charts[`${PATHS.reportCharts}/${name}`] = await renderSvg(spec);
  const shape = {
    repeats: results.repeats,
    train_rows: results.train_rows,
    test_rows: results.test_rows,
    class_count: results.class_count,
  };
  const report = studyReport({
    results,
    shape,
    charts: {
      degradation: CHART_FILES.degradation,
      curves: Object.fromEntries(Object.keys(results.curves).map((source) => [source, CHART_FILES.curves(source)])),
    },
    defenses: defenseSection(
      defenses,
      results.degradation,
      results.repeats,
      study.defenses.regularised_min_samples_leaf,
    ),
    across: acrossSection(across, acrossDefenses, study.across.defense_rates, CHART_FILES.degradationDatasets),
    adversary: adversarySection(adversary, CHART_FILES.certified),
    reviewer: reviewerSection(adversary),
  });
  writeOutputs({ ...charts, [PATHS.report]: report, [PATHS.mainTable]: `${mainTable(results)}\n` });
  console.log(`report: ${PATHS.report} with ${Object.keys(charts).length} charts`);
});
