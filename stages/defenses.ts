// Stage defenses: every defense against every attack over the study's repeats, scored against the ground truth.

import { seededForest } from "./core/classifier.ts";
import { IRIS_CHOICE } from "./core/data-source.ts";
import { stableJson } from "./core/format.ts";
import { defenseParams, studyParams } from "./core/params.ts";
import { loadDataset } from "./core/raw-table.ts";
import { defenseMetrics, defenseSummary } from "./core/study/defense-outputs.ts";
import { runDefenseStudy, STUDY_DEFENSES } from "./core/study/defenses.ts";
import { readText, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { progressPrinter } from "./shell/progress.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("defenses", () => {
  const study = loadParams("study", studyParams);
  const detector = loadParams("defense", defenseParams);
  const iris = loadDataset(readText(PATHS.iris), PATHS.iris, IRIS_CHOICE);
  const forests = {
    plain: seededForest(study.forest, iris.schema),
    regularised: seededForest(
      { ...study.forest, min_samples_leaf: study.defenses.regularised_min_samples_leaf },
      iris.schema,
    ),
  };
  const spec = { ...study, rates: study.defenses.rates, detector };
  const cells = runDefenseStudy(iris, spec, forests, STUDY_DEFENSES, progressPrinter("defenses", "poisoned data sets"));
  writeOutputs({
    [PATHS.defensesResults]: stableJson(cells),
    [PATHS.defensesMetrics]: stableJson(defenseMetrics(cells)),
    [PATHS.defensesSummary]: stableJson(defenseSummary(cells)),
  });
  // The same counts as the progress lines: one poisoned data set per attack, rate and repeat, every defense on each.
  const dataSets = study.methods.length * spec.rates.length * study.repeats;
  console.log(
    `defenses: ${STUDY_DEFENSES.length} defenses on ${dataSets} poisoned data sets (${study.methods.length} attacks x ${spec.rates.length} rates x ${study.repeats} repeats) -> ${cells.length} results in ${PATHS.defensesResults}`,
  );
});
