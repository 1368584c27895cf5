// Stage train: train a random forest on the sanitized training set and save it as a versioned JSON model file.
import { modelFileText } from "./core/model.ts";
import { trainParams } from "./core/params.ts";
import { formatSeconds } from "./core/progress.ts";
import { writeTextStreamed } from "./shell/atomic-streams.ts";
import { readMatrix } from "./shell/csv-stream.ts";
import { readSchema } from "./shell/files.ts";
import { loadParams } from "./shell/params-file.ts";
import { PATHS } from "./shell/paths.ts";
import { progressPrinter } from "./shell/progress.ts";
import { runStage } from "./shell/run-stage.ts";
import { trainModelOnThreads } from "./shell/train-model.ts";

await runStage("train", async () => {
  const params = loadParams("train", trainParams);
  const schema = readSchema(PATHS.schema);
  const readingSince = performance.now();
  const data = await readMatrix(PATHS.trainSanitized, schema);
  // A large training set takes a while to read: say so before the trees start, on stderr like the progress.
  const readingSeconds = (performance.now() - readingSince) / 1000;
  if (readingSeconds >= 2)
    process.stderr.write(`train: read ${data.rowCount} rows in ${formatSeconds(readingSeconds)}, growing the trees\n`);
  // Progress on stderr only, so the model file cannot depend on it.
  const { model, threads } = await trainModelOnThreads(
    data,
    params,
    schema,
    progressPrinter("train", "trees", { everySeconds: 2, quietSeconds: 2 }),
  );
  // Not rounded: split thresholds must stay exact. The engines are deterministic (for any thread count),
  // so the bytes are stable. Written tree by tree: a forest on a million rows is tens of megabytes.
  await writeTextStreamed(PATHS.model, modelFileText(model));
  const on = threads > 1 ? ` (${threads} threads)` : "";
  console.log(`train: ${params.engine}, ${params.n_estimators} trees on ${data.rowCount} rows${on} -> ${PATHS.model}`);
});
