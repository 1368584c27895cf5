import { round6 } from "../format.ts";
import type { AdversaryResults } from "./adversary-results.ts";

/**
 * metrics/adversary-plot.json: certified accuracy against the radius, one series per data set and k, in the
 * shape of the project's series-lines template (mean and 95 % interval over the repeats).
 */
export function certifiedAccuracyPlot(results: AdversaryResults) {
  return Object.entries(results.datasets).flatMap(([name, data]) =>
    data.certify.map((cell) => ({
      series: `${name} k=${cell.k}`,
      radius: cell.radius,
      certified_accuracy: round6(cell.certified_accuracy.mean),
      lower: round6(cell.certified_accuracy.ci95[0]),
      upper: round6(cell.certified_accuracy.ci95[1]),
    })),
  );
}
