// Stage defenses: every defense against every attack over the study's repeats, scored against the ground truth.
import { IRIS_CHOICE } from "./core/data-source.ts";
import { stableJson } from "./core/format.ts";
import { defenseParams, studyParams } from "./core/params.ts";
import { loadDataset } from "./core/raw-table.ts";
import { defenseMetrics } from "./core/study/defense-outputs.ts";
import { runDefenseStudy, STUDY_DEFENSES } from "./core/study/defenses.ts";
import { forestFit } from "./core/study/fit.ts";
import { readText, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { progressPrinter } from "./shell/progress.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("defenses", () => {
  const study = loadParams("study", studyParams);
  const detector = loadParams("defense", defenseParams);
  const iris = loadDataset(readText(PATHS.iris), PATHS.iris, IRIS_CHOICE);
  const fits = {
    plain: forestFit(study.forest, iris.schema),
    regularised: forestFit(
      { ...study.forest, min_samples_leaf: study.defenses.regularised_min_samples_leaf },
      iris.schema,
    ),
  };
  const spec = { ...study, rates: study.defenses.rates, detector };
  const cells = runDefenseStudy(iris, spec, fits, STUDY_DEFENSES, progressPrinter("defenses"));
  writeOutputs({
    [PATHS.defensesResults]: stableJson(cells),
    [PATHS.defensesMetrics]: stableJson(defenseMetrics(cells)),
  });
  console.log(`defenses: ${cells.length} cells over ${study.repeats} repeats -> ${PATHS.defensesResults}`);
});
