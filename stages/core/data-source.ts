import type { DataChoice, MissingPolicy } from "./raw-table.ts";

/**
 * The data a run uses: `prepare.source` names a CSV file with a header in data/raw/ (`iris` is
 * data/raw/iris.csv). The bundled sets know their label column; for any other file prepare.label names it.
 */
export const BUNDLED_LABELS: Readonly<Record<string, string>> = {
  iris: "species",
  wine: "class",
  breast_cancer: "diagnosis",
  penguins: "species",
};

export const DEFAULT_SOURCE = "iris";

/** The file a source names, relative to the repository root; dvc.yaml spells it `data/raw/${prepare.source}.csv`. */
export function rawFile(source: string): string {
  return `data/raw/${source}.csv`;
}

export interface SourceParams {
  source?: string | undefined;
  label?: string | null | undefined;
  features?: readonly string[] | null | undefined;
  categorical?: readonly string[] | null | undefined;
  missing?: MissingPolicy | undefined;
}

/** The columns to read, from the prepare params (validated already: a non-bundled source has a label). */
export function dataChoice(params: SourceParams): DataChoice {
  const source = params.source ?? DEFAULT_SOURCE;
  return {
    label: params.label ?? (BUNDLED_LABELS[source] as string),
    features: params.features ?? null,
    categorical: params.categorical ?? [],
    missing: params.missing ?? "refuse",
  };
}

/** IRIS as the study reads it. */
export const IRIS_CHOICE: DataChoice = dataChoice({ source: "iris" });
