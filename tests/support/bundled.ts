import { readFileSync } from "node:fs";
import { dataChoice, rawFile } from "../../stages/core/data-source.ts";
import type { Dataset } from "../../stages/core/dataset.ts";
import { loadDataset } from "../../stages/core/raw-table.ts";
import { PROJECT_ROOT } from "./temp-repo.ts";

/** A bundled data set as prepare reads it; penguins has missing values, so its incomplete rows are dropped. */
export function bundled(name: string): Dataset {
  const missing = name === "penguins" ? "drop" : "refuse";
  return loadDataset(
    readFileSync(`${PROJECT_ROOT}/${rawFile(name)}`, "utf8"),
    rawFile(name),
    dataChoice({ source: name, missing }),
  );
}
