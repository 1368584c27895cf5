import type { TopLevelSpec } from "vega-lite";
import { percent } from "../core/report/numbers.ts";
import type { AcrossResults } from "../core/study/across.ts";
import { certifiedAccuracyPlot } from "../core/study/adversary-plot.ts";
import type { AdversaryResults } from "../core/study/adversary-results.ts";
import type { StudyResults } from "../core/study/results.ts";
import { learningCurveSpec, lineChartSpec } from "./line-chart.ts";

/** The report's chart files, relative to the report. */
export const CHART_FILES = {
  degradation: "degradation.svg",
  degradationDatasets: "degradation-datasets.svg",
  certified: "certified-accuracy.svg",
  curves: (source: string) => `learning-curves-${source}.svg`,
};

/** The report's charts as vega-lite specs, keyed by file name. */
export function studyChartSpecs(results: StudyResults): Record<string, TopLevelSpec> {
  const degradation = lineChartSpec(
    results.degradation.map((cell) => ({
      method: cell.method,
      rate: cell.rate * 100,
      accuracy: cell.accuracy.mean,
      lower: cell.accuracy.ci95[0],
      upper: cell.accuracy.ci95[1],
    })),
    {
      fields: { x: "rate", y: "accuracy", series: "method", lower: "lower", upper: "upper" },
      title: "Clean-test accuracy against poison rate (mean, 95 % CI)",
      xTitle: "poisoned training rows (%)",
      yTitle: "clean-test accuracy",
      seriesTitle: "attack",
      yDomain: [0, 1],
    },
  );
  const curves = Object.fromEntries(
    Object.entries(results.curves).map(([source, points]) => [
      CHART_FILES.curves(source),
      learningCurveSpec(
        points.map((point) => ({
          rate: `label_flip ${percent(point.rate)}`,
          rows: point.rows,
          accuracy: point.accuracy.mean,
          lower: point.accuracy.ci95[0],
          upper: point.accuracy.ci95[1],
        })),
        {
          fields: { x: "rows", y: "accuracy", series: "rate", lower: "lower", upper: "upper" },
          title: `Learning curves, ${source} (mean, 95 % CI)`,
          yTitle: "clean-test accuracy",
          seriesTitle: "poison",
          yDomain: [0, 1],
        },
      ),
    ]),
  );
  return { [CHART_FILES.degradation]: degradation, ...curves };
}

/** label_flip's accuracy against the rate, one line per data set. */
export function acrossChartSpec(across: AcrossResults): TopLevelSpec {
  return lineChartSpec(
    Object.entries(across.datasets).flatMap(([name, data]) =>
      data.degradation.map((cell) => ({
        dataset: name,
        rate: cell.rate * 100,
        accuracy: cell.accuracy.mean,
        lower: cell.accuracy.ci95[0],
        upper: cell.accuracy.ci95[1],
      })),
    ),
    {
      fields: { x: "rate", y: "accuracy", series: "dataset", lower: "lower", upper: "upper" },
      title: "Clean-test accuracy against label_flip rate, per data set (mean, 95 % CI)",
      xTitle: "flipped training labels (%)",
      yTitle: "clean-test accuracy",
      seriesTitle: "data set",
      yDomain: [0, 1],
    },
  );
}

/** Partition aggregation's certified accuracy against the radius, one line per data set and k. */
export function certifiedChartSpec(results: AdversaryResults): TopLevelSpec {
  return lineChartSpec(certifiedAccuracyPlot(results), {
    fields: { x: "radius", y: "certified_accuracy", series: "series", lower: "lower", upper: "upper" },
    title: "Certified accuracy against radius, partition aggregation (mean, 95 % CI)",
    xTitle: "certified radius r (poisoned training rows)",
    yTitle: "share of test points correct and certified at >= r",
    seriesTitle: "data set, parts",
    yDomain: [0, 1],
  });
}
