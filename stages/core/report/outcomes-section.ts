import { poisonCount } from "../poison.ts";
import type { DegradationCell } from "../study/degradation.ts";
import { cleanCellOf, expectedFlippedAccuracy, type StudyShape, verdict } from "./degradation-section.ts";
import { fixed, percent, withInterval } from "./numbers.ts";

/** The original assignment's levels. */
export const ORIGINAL_LEVELS = [0.05, 0.1, 0.5];

const VERDICT_WORDS = {
  "within noise": "a difference within the noise of the test split",
  "significant drop": "a significant drop",
  "significant rise": "a significant rise",
  baseline: "the baseline",
} as const;

/**
 * One paragraph per original level (label_flip at 5, 10 and 50 %): what was poisoned, what the clean test and
 * the poisoned test say, and why. The mechanism sentences are fixed text; every number and verdict comes from
 * the cells.
 */
export function originalLevelsReading(cells: readonly DegradationCell[], shape: StudyShape): string {
  const clean = cleanCellOf(cells, "label_flip");
  const k = shape.class_count;
  const paragraphs = ORIGINAL_LEVELS.flatMap((rate) => {
    const cell = cells.find((candidate) => candidate.method === "label_flip" && candidate.rate === rate);
    if (!cell) return [];
    const flipped = poisonCount(shape.train_rows, rate);
    const share = 1 - rate;
    const margin = 1 - (rate * k) / (k - 1);
    const expected = expectedFlippedAccuracy(cell.accuracy.mean, rate, k);
    const mechanism =
      margin > 0
        ? `The true class still holds ${percent(share)} of the labels in any region of feature space against ${percent(rate / (k - 1))} for each other class (a margin of ${fixed(margin, 2)}): ` +
          (verdict(cell, clean) === "within noise"
            ? "the flipped rows are isolated among correctly labelled neighbours, each row is in only about two thirds of the trees' bootstrap samples, and the forest's vote outweighs the few leaves a flipped row wins."
            : "fully grown trees still fit every flipped row with a leaf of its own, and with this many of them the leaves of wrong classes carry enough of the vote to swing test points near them.")
        : "At this rate the flipped labels outnumber the true class, and no learner can recover it from the labels alone.";
    return [
      `- **${percent(rate)}** (${flipped} of ${shape.train_rows} training labels flipped): clean-test accuracy ${withInterval(cell.accuracy)} against ` +
        `${withInterval(clean.accuracy)} on clean data, ${VERDICT_WORDS[verdict(cell, clean)]}. ${mechanism} ` +
        `Scored against poisoned test labels, the same model gets ${withInterval(cell.accuracy_on_poisoned_test)}; ` +
        `a model that is right with probability ${fixed(cell.accuracy.mean)} would be expected to get ${fixed(expected)} there, ` +
        `because about ${fixed(rate * shape.test_rows, 1)} of the ${shape.test_rows} answers in the key are wrong.`,
    ];
  });
  return paragraphs.join("\n");
}
