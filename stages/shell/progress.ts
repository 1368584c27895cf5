/**
 * Progress on stderr for long stages: steps done of total, rate, elapsed and time left (see core/progress.ts),
 * at most one line every two seconds plus the first and the last. Only stderr: output files never see it, so
 * it cannot make them differ between runs. Only the shell reads the clock.
 */
import {
  DEFAULT_PRINT_RULE,
  type EstimateState,
  nextEstimate,
  type PrintRule,
  type Progress,
  type ProgressStep,
  progressLine,
  shouldPrint,
  startEstimate,
} from "../core/progress.ts";

const nowSeconds = (): number => performance.now() / 1000;

/** `unit` names what is counted, in the plural: "forests", "trees", "data sets". */
export function progressPrinter(label: string, unit: string, rule: PrintRule = DEFAULT_PRINT_RULE): Progress {
  let state: EstimateState = startEstimate(nowSeconds());
  let lastPrintedAt: number | null = null;
  return (step: ProgressStep) => {
    const now = nowSeconds();
    const estimate = nextEstimate(state, step, now);
    state = estimate.state;
    if (!shouldPrint(lastPrintedAt, step, now, estimate.elapsedSeconds, rule)) return;
    lastPrintedAt = now;
    process.stderr.write(`${progressLine(label, unit, step, estimate)}\n`);
  };
}
