// Stage defenses: every defense against every attack over the study's repeats, scored against the ground truth;
// and the defenses against label_flip on every data set in study.datasets.

import type { TrainWithSeed } from "./core/classifier.ts";
import { seededForest } from "./core/classifier.ts";
import { dataChoice, IRIS_CHOICE, rawFile } from "./core/data-source.ts";
import type { Schema } from "./core/dataset.ts";
import { stableJson } from "./core/format.ts";
import { defenseParams, type StudyParams, studyParams } from "./core/params.ts";
import { loadDataset } from "./core/raw-table.ts";
import { ACROSS_DEFENSES, type AcrossDefenses, runAcrossDefenses } from "./core/study/across.ts";
import { defenseMetrics, defenseSummary } from "./core/study/defense-outputs.ts";
import { runDefenseStudy, STUDY_DEFENSES } from "./core/study/defenses.ts";
import { readText, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { progressPrinter } from "./shell/progress.ts";
import { runStage } from "./shell/run-stage.ts";

/** The plain study forest and the regularised one the defenses name. */
function studyForests(study: StudyParams, schema: Schema): Record<string, TrainWithSeed> {
  return {
    plain: seededForest(study.forest, schema),
    regularised: seededForest(
      { ...study.forest, min_samples_leaf: study.defenses.regularised_min_samples_leaf },
      schema,
    ),
  };
}

await runStage("defenses", () => {
  const study = loadParams("study", studyParams);
  const detector = loadParams("defense", defenseParams);
  const iris = loadDataset(readText(PATHS.iris), PATHS.iris, IRIS_CHOICE);
  const spec = { ...study, rates: study.defenses.rates, detector };
  const cells = runDefenseStudy(
    iris,
    spec,
    studyForests(study, iris.schema),
    STUDY_DEFENSES,
    progressPrinter("defenses", "poisoned data sets"),
  );
  const across: AcrossDefenses = { repeats: study.across.defense_repeats, datasets: {} };
  for (const name of study.datasets) {
    const data = loadDataset(readText(rawFile(name)), rawFile(name), dataChoice({ source: name }));
    across.datasets[name] = runAcrossDefenses(
      data,
      { ...study, detector },
      studyForests(study, data.schema),
      progressPrinter(`defenses ${name}`, "poisoned data sets"),
    );
  }
  writeOutputs({
    [PATHS.defensesResults]: stableJson(cells),
    [PATHS.defensesMetrics]: stableJson(defenseMetrics(cells)),
    [PATHS.defensesSummary]: stableJson(defenseSummary(cells)),
    [PATHS.defensesDatasets]: stableJson(across),
  });
  // The same counts as the progress lines: one poisoned data set per attack, rate and repeat, every defense on each.
  const dataSets = study.methods.length * spec.rates.length * study.repeats;
  const acrossSets = study.datasets.length * study.across.defense_rates.length * study.across.defense_repeats;
  console.log(
    `defenses: ${STUDY_DEFENSES.length} defenses on ${dataSets} poisoned data sets (${study.methods.length} attacks x ${spec.rates.length} rates x ${study.repeats} repeats) -> ${cells.length} results in ${PATHS.defensesResults}; ${ACROSS_DEFENSES.length} defenses on ${acrossSets} label_flip data sets of ${study.datasets.join(", ")} -> ${PATHS.defensesDatasets}`,
  );
});
