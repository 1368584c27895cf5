// Stage report: the study report in markdown, its charts as SVG, and the README's main table.

import { renderSvg } from "./charts/render.ts";
import { CHART_FILES, studyChartSpecs } from "./charts/study-charts.ts";
import { studyParams } from "./core/params.ts";
import { defenseSection } from "./core/report/defense-section.ts";
import { mainTable, studyReport } from "./core/report/study-report.ts";
import { parseDefenseCells, parseStudyResults } from "./core/study/results-file.ts";
import { readJson, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("report", async () => {
  const study = loadParams("study", studyParams);
  const results = parseStudyResults(readJson(PATHS.studyResults), PATHS.studyResults, study);
  const defenses = parseDefenseCells(readJson(PATHS.defensesResults), PATHS.defensesResults, study);
  const specs = studyChartSpecs(results);
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
  });
  writeOutputs({ ...charts, [PATHS.report]: report, [PATHS.mainTable]: `${mainTable(results)}\n` });
  console.log(`report: ${PATHS.report} with ${Object.keys(charts).length} charts`);
});
