import { combine, type Detection } from "./detect.ts";

/** What detect gives with no detector (`defense.method: none`), for a table the stage never turns into rows. */
export function noDetection(rowCount: number): Detection {
  return { ...combine([], rowCount), detectors: [], byDetector: {}, suggested: null };
}
