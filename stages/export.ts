// Stage export: the trained forest as an ONNX model (ai.onnx.ml TreeEnsembleClassifier), for ONNX Runtime.
import { parseModelFile } from "./core/model.ts";
import { forestOnnxModel } from "./core/onnx/forest-graph.ts";
import { encodeModel } from "./core/onnx/onnx-proto.ts";
import { writeTextStreamed } from "./shell/atomic-streams.ts";
import { readJson } from "./shell/files.ts";
import { PATHS } from "./shell/paths.ts";
import { runStage } from "./shell/run-stage.ts";

await runStage("export", async () => {
  const model = parseModelFile(readJson(PATHS.model), PATHS.model);
  const onnx = forestOnnxModel(model, PATHS.model);
  // Written in parts: the node lists of a forest on a million rows are tens of megabytes.
  await writeTextStreamed(PATHS.onnxModel, encodeModel(onnx));
  const inputs = onnx.graph.inputs.length;
  console.log(`export: ${model.engine}, ${inputs} inputs, ${model.classes.length} classes -> ${PATHS.onnxModel}`);
});
