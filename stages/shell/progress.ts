/**
 * Progress on stderr for long stages: units done of total, elapsed and estimated time left, at most once a
 * second and always at the end. Only the shell reads the clock.
 */
export function progressPrinter(label: string): (done: number, total: number) => void {
  const started = Date.now();
  let lastPrinted = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - lastPrinted < 1000) return;
    lastPrinted = now;
    const elapsed = (now - started) / 1000;
    const left = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
    process.stderr.write(
      `${label}: ${done}/${total} cells, ${elapsed.toFixed(0)} s elapsed, ~${left.toFixed(0)} s left\n`,
    );
  };
}
