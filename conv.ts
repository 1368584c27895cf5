import { readFileSync } from "node:fs";
import { parseModelFile } from "./stages/core/model.ts";
import { parseForestFile } from "./stages/core/forest/forest-file.ts";
const json = JSON.parse(readFileSync("/tmp/h-model-scale/model-v2.json", "utf8"));
for (let i = 0; i < 3; i++) {
let t = performance.now();
const m2 = parseModelFile(json, "v2");
const f2 = parseForestFile(m2.forest, "v2", { featureCount: m2.features.length, classCount: m2.classes.length });
console.log("forest", performance.now() - t);
}
