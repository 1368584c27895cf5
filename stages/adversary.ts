// Stage adversary: the chosen attacks and the certified defense on every data set in study.datasets. Random,
// targeted and adversarial label flips at equal budgets; the backdoor with and without each detector, its
// trigger in and out of range; partition aggregation's certified accuracy against k and the radius.

import { seededForest } from "./core/classifier.ts";
import { dataChoice, rawFile } from "./core/data-source.ts";
import { stableJson } from "./core/format.ts";
import { defenseParams, studyParams } from "./core/params.ts";
import { loadDataset } from "./core/raw-table.ts";
import { runAdversary } from "./core/study/adversary.ts";
import { certifiedAccuracyPlot } from "./core/study/adversary-plot.ts";
import { type AdversaryResults, BACKDOOR_DEFENSES, FLIP_ATTACKS } from "./core/study/adversary-results.ts";
import { readText, writeOutputs } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { progressPrinter } from "./shell/progress.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("adversary", () => {
  const study = loadParams("study", studyParams);
  const detector = loadParams("defense", defenseParams);
  const spec = { seed: study.seed, test_size: study.test_size, adversary: study.adversary, detector };
  const results: AdversaryResults = { repeats: study.adversary.repeats, datasets: {} };
  for (const name of study.datasets) {
    const data = loadDataset(readText(rawFile(name)), rawFile(name), dataChoice({ source: name }));
    results.datasets[name] = runAdversary(
      name,
      data,
      spec,
      seededForest(study.forest, data.schema),
      progressPrinter(`adversary ${name}`, "repeats"),
    );
  }
  writeOutputs({
    [PATHS.adversaryResults]: stableJson(results),
    [PATHS.adversaryPlot]: stableJson(certifiedAccuracyPlot(results)),
  });
  const { adversary } = study;
  console.log(
    `adversary: ${study.datasets.join(", ")}, ${adversary.repeats} repeats each: ${FLIP_ATTACKS.length} label flips at ${adversary.flip_rates.length} rates, backdoors at ${adversary.backdoor_rates.length} rates x ${adversary.trigger_beyond.length} trigger positions x ${BACKDOOR_DEFENSES.length} defenses, partition aggregation at k = ${adversary.certify_k.join(", ")} -> ${PATHS.adversaryResults}, ${PATHS.adversaryPlot}`,
  );
});
