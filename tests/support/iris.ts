import { readFileSync } from "node:fs";
import { IRIS_CHOICE } from "../../stages/core/data-source.ts";
import type { Dataset } from "../../stages/core/dataset.ts";
import { loadDataset } from "../../stages/core/raw-table.ts";
import { PROJECT_ROOT } from "./temp-repo.ts";

/** The repository's IRIS, read as prepare and the study read it: its schema and its 150 rows. */
export const IRIS: Dataset = loadDataset(
  readFileSync(`${PROJECT_ROOT}/data/raw/iris.csv`, "utf8"),
  "iris.csv",
  IRIS_CHOICE,
);
export const IRIS_SCHEMA = IRIS.schema;
