/**
 * Progress estimates for long stages, as pure functions of the work done and the time it was measured at (the
 * shell reads the clock and prints). Time left comes from work units weighted by their estimated cost, not from
 * a count of steps: the study's learning-curve fits on 2,000 rows cost many times a fit on IRIS's 120. The
 * rate is smoothed exponentially over the last seconds, so an estimate that starts off wrong (a cost model is
 * only roughly right) converges to the pace the machine actually keeps, and time left reaches 0 at the end.
 */

/** Where a long computation is: `done` of `total` steps a person can count, and the same in cost units. */
export interface ProgressStep {
  done: number;
  total: number;
  work: number;
  totalWork: number;
}

/** Reports a step; the studies call it after each unit of work. */
export type Progress = (step: ProgressStep) => void;

/** A step whose units all cost the same. */
export const uniformStep = (done: number, total: number): ProgressStep => ({
  done,
  total,
  work: done,
  totalWork: total,
});

export interface EstimateState {
  startedAt: number;
  /** When the last step was measured, and its work. */
  at: number;
  work: number;
  /** Smoothed work per second; null before any work was measured over a positive time. */
  workRate: number | null;
}

export interface Estimate {
  state: EstimateState;
  elapsedSeconds: number;
  /** Steps per second since the start. */
  stepsPerSecond: number;
  /** Seconds until totalWork at the smoothed rate; null while there is no rate yet, 0 when done. */
  secondsLeft: number | null;
}

/** How quickly the smoothed rate forgets: after this many seconds an old pace weighs e^-1 of a new one. */
export const RATE_MEMORY_SECONDS = 15;

export function startEstimate(startedAt: number): EstimateState {
  return { startedAt, at: startedAt, work: 0, workRate: null };
}

/** The estimate after `step`, measured `now` seconds (on the same clock as startedAt). */
export function nextEstimate(state: EstimateState, step: ProgressStep, now: number): Estimate {
  const elapsedSeconds = Math.max(0, now - state.startedAt);
  const interval = now - state.at;
  let workRate = state.workRate;
  if (interval > 0 && step.work > state.work) {
    const recent = (step.work - state.work) / interval;
    // The first rate is the average so far; later ones blend in the recent pace by how long it was measured.
    const weight = workRate === null ? 1 : 1 - Math.exp(-interval / RATE_MEMORY_SECONDS);
    workRate = workRate === null ? recent : workRate + weight * (recent - workRate);
  }
  const remaining = Math.max(0, step.totalWork - step.work);
  const secondsLeft = remaining === 0 ? 0 : workRate === null || workRate <= 0 ? null : remaining / workRate;
  return {
    state: {
      startedAt: state.startedAt,
      at: interval > 0 ? now : state.at,
      work: Math.max(state.work, step.work),
      workRate,
    },
    elapsedSeconds,
    stepsPerSecond: elapsedSeconds > 0 ? step.done / elapsedSeconds : 0,
    secondsLeft,
  };
}

export interface PrintRule {
  /** At most one line this often (seconds), besides the first and the last. */
  everySeconds: number;
  /** Nothing at all until the work has taken this long: a forest on IRIS is done before anyone waits. */
  quietSeconds: number;
}

export const DEFAULT_PRINT_RULE: PrintRule = { everySeconds: 2, quietSeconds: 0 };

/** Whether to print `step`, `elapsed` seconds into the work, the last line having gone out at `lastPrintedAt`. */
export function shouldPrint(
  lastPrintedAt: number | null,
  step: Pick<ProgressStep, "done" | "total">,
  now: number,
  elapsed: number,
  rule: PrintRule = DEFAULT_PRINT_RULE,
): boolean {
  if (elapsed < rule.quietSeconds) return false;
  return lastPrintedAt === null || step.done >= step.total || now - lastPrintedAt >= rule.everySeconds;
}

/** A short duration for people: "45 s", "3 min 05 s", "1 h 02 min". */
export function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")} min`;
}

/** One progress line, e.g. "study: 540/988 forests (31 % of the work), 41.2 forests/s, 13 s elapsed, ~29 s left". */
export function progressLine(label: string, unit: string, step: ProgressStep, estimate: Estimate): string {
  const elapsed = formatSeconds(estimate.elapsedSeconds);
  const rate = `${estimate.stepsPerSecond.toFixed(estimate.stepsPerSecond < 10 ? 2 : 1)} ${unit}/s`;
  if (step.done >= step.total) return `${label}: ${step.done}/${step.total} ${unit}, done in ${elapsed} (${rate})`;
  const share =
    step.work !== step.done || step.totalWork !== step.total
      ? ` (${Math.floor((100 * step.work) / Math.max(step.totalWork, Number.MIN_VALUE))} % of the work)`
      : "";
  const left =
    estimate.secondsLeft === null ? "time left not known yet" : `~${formatSeconds(estimate.secondsLeft)} left`;
  return `${label}: ${step.done}/${step.total} ${unit}${share}, ${rate}, ${elapsed} elapsed, ${left}`;
}
