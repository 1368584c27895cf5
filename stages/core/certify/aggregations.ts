import type { Aggregation } from "../params.ts";
import { type Certified, certify } from "./certificate.ts";
import { firstChoiceVotes, type PartScores } from "./part-scores.ts";
import { runOff } from "./run-off.ts";

/**
 * How each aggregation (certify.aggregation) turns the parts' scores for one test point into a prediction and its
 * certified radius; an aggregation added to AGGREGATIONS without an entry here is a type error.
 */
export const AGGREGATE: Record<Aggregation, (parts: PartScores, classCount: number) => Certified> = {
  plurality: (parts, classCount) => certify(firstChoiceVotes(parts, classCount)),
  run_off: runOff,
};
