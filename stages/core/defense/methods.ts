/** The detectors a sanitize stage can run, and the names `defense.method` accepts. */
export const DETECTORS = ["label", "knn", "outlier"] as const;
export type Detector = (typeof DETECTORS)[number];

/** `none` passes the data through; `combined` is shorthand for the union of the label check and the outlier score. */
export const DEFENSE_METHODS = ["none", ...DETECTORS, "combined"] as const;
export type DefenseMethod = (typeof DEFENSE_METHODS)[number];

export const COMBINED: readonly Detector[] = ["label", "outlier"];

/** The detectors a `defense.method` value stands for, in a fixed order; none for `none`. */
export function detectorsOf(method: DefenseMethod | readonly Detector[]): Detector[] {
  const names: readonly string[] =
    typeof method === "string" ? (method === "none" ? [] : method === "combined" ? COMBINED : [method]) : method;
  return DETECTORS.filter((detector) => names.includes(detector));
}
