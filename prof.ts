import { readFileSync } from "node:fs";
import { parseForestV2 } from "./stages/core/forest/forest-file-v2.ts";
const json = JSON.parse(readFileSync("/tmp/h-model-scale/model-v2.json", "utf8")).forest;
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  for (const k of ["feature", "threshold", "left", "right"]) { const b = Buffer.from(json[k], "base64"); b.toString("base64") === json[k]; }
  const b64 = performance.now() - t;
  t = performance.now();
  parseForestV2(json, "x");
  console.log("b64+check", b64.toFixed(0), "parse total", (performance.now() - t).toFixed(0));
}
