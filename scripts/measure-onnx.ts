// npm run measure:onnx: how long the export stage takes to turn a model file into ONNX, and the two files' sizes.
//   node --import tsx scripts/measure-onnx.ts [--model models/model.json] [--repeats 5]
// Each repeat parses the model file's JSON text, checks it, builds the ONNX graph and encodes it to bytes in
// memory: the export stage's work without the disk. Reading the JSON is timed apart, as is the ONNX encoding.
// Wall time and this process's CPU time (user + sys) per repeat, medians of the repeats.
// A measurement, not a test: it prints a markdown table and asserts nothing.
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseModelFile } from "../stages/core/model.ts";
import { forestOnnxModel } from "../stages/core/onnx/forest-graph.ts";
import { encodeModel } from "../stages/core/onnx/onnx-proto.ts";
import { readText } from "../stages/shell/files.ts";
import { median } from "./median.ts";

const { values: args } = parseArgs({
  options: { model: { type: "string", default: "models/model.json" }, repeats: { type: "string", default: "5" } },
});
const path = args.model as string;
const repeats = Number(args.repeats);
if (!Number.isInteger(repeats) || repeats < 1)
  throw new Error(`--repeats: expected a positive integer, got ${args.repeats}`);

interface Timing {
  wall: number;
  cpu: number;
}
const timed = <T>(work: () => T): { value: T; timing: Timing } => {
  const cpuSince = process.cpuUsage();
  const since = performance.now();
  const value = work();
  const wall = (performance.now() - since) / 1000;
  const cpu = process.cpuUsage(cpuSince);
  return { value, timing: { wall, cpu: (cpu.user + cpu.system) / 1e6 } };
};

const jsonBytes = statSync(path).size;
const phases: Record<"read JSON" | "parse and check" | "build ONNX graph" | "encode ONNX", Timing[]> = {
  "read JSON": [],
  "parse and check": [],
  "build ONNX graph": [],
  "encode ONNX": [],
};
let onnxBytes = 0;
let engine = "";
for (let repeat = 0; repeat < repeats; repeat++) {
  const text = timed(() => readText(path));
  phases["read JSON"].push(text.timing);
  const model = timed(() => parseModelFile(JSON.parse(text.value), path));
  phases["parse and check"].push(model.timing);
  const graph = timed(() => forestOnnxModel(model.value, path));
  phases["build ONNX graph"].push(graph.timing);
  const chunks = timed(() => encodeModel(graph.value));
  phases["encode ONNX"].push(chunks.timing);
  onnxBytes = chunks.value.reduce((sum, chunk) => sum + chunk.length, 0);
  engine = model.value.engine;
}

const seconds = (value: number) => (value < 10 ? value.toFixed(3) : value.toFixed(1));
const megabytes = (bytes: number) => (bytes / 1e6).toFixed(3);
console.log(`${path}: ${engine}, ${repeats} repeats, medians`);
console.log("");
console.log("| phase | wall (s) | CPU (s) |");
console.log("| --- | ---: | ---: |");
for (const [phase, timings] of Object.entries(phases)) {
  console.log(
    `| ${phase} | ${seconds(median(timings.map((t) => t.wall)))} | ${seconds(median(timings.map((t) => t.cpu)))} |`,
  );
}
const exportTimings = Array.from({ length: repeats }, (_, i) =>
  Object.values(phases).reduce((sum, timings) => sum + (timings[i] as Timing).wall, 0),
);
console.log(`| export in all | ${seconds(median(exportTimings))} | |`);
console.log("");
console.log("| file | MB |");
console.log("| --- | ---: |");
console.log(`| model.json | ${megabytes(jsonBytes)} |`);
console.log(`| model.onnx | ${megabytes(onnxBytes)} |`);
console.log(`| ONNX / JSON | ${(onnxBytes / jsonBytes).toFixed(2)} |`);
