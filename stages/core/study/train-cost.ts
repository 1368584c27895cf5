/**
 * The estimated cost of training one forest and scoring it, in units of about 0.2 ms of one core, so progress can
 * weigh a forest on 2,000 rows against one on 120. Measured on the study's 100-tree poisonlab-forest: about 20 ms
 * per forest plus 0.2 ms per training row, and 0.05 ms per row predicted. Only progress estimates use it; the
 * smoothed rate corrects what it gets wrong on another machine.
 */
export function trainCost(trainRows: number, predictedRows: number): number {
  return 100 + trainRows + predictedRows / 4;
}
