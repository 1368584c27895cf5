/** The detectors a sanitize stage can run, and the names `defense.method` accepts. */
export const DETECTORS = ["label", "knn", "outlier"] as const;
export type Detector = (typeof DETECTORS)[number];

/** `none` passes the data through; `combined` is shorthand for the union of the label check and the outlier score. */
export const DEFENSE_METHODS = ["none", ...DETECTORS, "combined"] as const;
export type DefenseMethod = (typeof DEFENSE_METHODS)[number];

export const COMBINED: readonly Detector[] = ["label", "outlier"];

/** The detectors each named method stands for; a method added to DEFENSE_METHODS without an entry is a type error. */
const DETECTORS_OF_METHOD: Record<DefenseMethod, readonly Detector[]> = {
  none: [],
  label: ["label"],
  knn: ["knn"],
  outlier: ["outlier"],
  combined: COMBINED,
};

/** The detectors a `defense.method` value stands for, in a fixed order; none for `none`. */
export function detectorsOf(method: DefenseMethod | readonly Detector[]): Detector[] {
  const names = typeof method === "string" ? DETECTORS_OF_METHOD[method] : method;
  return DETECTORS.filter((detector) => names.includes(detector));
}
