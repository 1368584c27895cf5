// Stage report: the study report in markdown, its charts as SVG, and the README's main table.

import { renderSvg } from "./charts/render.ts";
import { CHART_FILES, studyChartSpecs } from "./charts/study-charts.ts";
import { StageError } from "./core/errors.ts";
import { studyParams } from "./core/params.ts";
import { defenseSection } from "./core/report/defense-section.ts";
import { mainTable, studyReport } from "./core/report/study-report.ts";
import type { DefenseCell } from "./core/study/defenses.ts";
import type { StudyResults } from "./core/study/results.ts";
import { readJson, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("report", async () => {
  const study = loadParams("study", studyParams);
  const results = readJson(PATHS.studyResults) as StudyResults;
  const defenses = readJson(PATHS.defensesResults) as DefenseCell[];
  if (!Array.isArray(results.degradation))
    throw new StageError(`${PATHS.studyResults}: no degradation results; run the study stage`);
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
