/**
 * The fewest parts that together gain at least `need` in both of two demands, each part gaining 0, 1 or 2 in each
 * (Infinity when all of them are not enough). Used by the run-off certificate (run-off.ts), where a changed part
 * gains on a round-1 vote difference and a round-2 margin at once.
 *
 * Exact: for each count `a` of parts gaining 2 on the first demand (taken with the most second gain), the fewest
 * parts gaining 1 that meet the first demand (again the ones with most second gain), then whatever parts are left
 * with the most second gain until the second demand is met.
 */
export function fewestParts(gains: ReadonlyArray<readonly [number, number]>, need: readonly [number, number]): number {
  // counts[x][y]: how many parts gain x on the first demand and y on the second.
  const counts = [0, 1, 2].map(() => [0, 0, 0]);
  for (const [x, y] of gains) (counts[x] as number[])[y] = ((counts[x] as number[])[y] as number) + 1;
  const [first, second] = need;
  const [zeros, ones, twos] = counts as [number[], number[], number[]];
  let fewest = Number.POSITIVE_INFINITY;
  for (let a = 0; a <= total(twos); a++) {
    const b = Math.max(0, first - 2 * a);
    if (b > total(ones)) continue;
    const fromTwos = takeMost(twos, a);
    const fromOnes = takeMost(ones, b);
    const left = [0, 1, 2].map((y) => (fromOnes.left[y] as number) + (zeros[y] as number));
    const extra = partsFor(second - fromTwos.gain - fromOnes.gain, left);
    fewest = Math.min(fewest, a + b + extra);
  }
  return fewest;
}

const total = (byGain: readonly number[]) => byGain.reduce((sum, count) => sum + count, 0);

/** Takes `count` parts from `byGain` (parts per gain 0, 1, 2), highest gains first: their gain and what is left. */
function takeMost(byGain: readonly number[], count: number): { gain: number; left: number[] } {
  const left = [...byGain];
  let gain = 0;
  let wanted = count;
  for (const g of [2, 1, 0]) {
    const taken = Math.min(wanted, left[g] as number);
    left[g] = (left[g] as number) - taken;
    gain += g * taken;
    wanted -= taken;
  }
  return { gain, left };
}

/** The fewest parts from `byGain` (parts per gain 0, 1, 2) that gain at least `need`. */
function partsFor(need: number, byGain: readonly number[]): number {
  if (need <= 0) return 0;
  const twos = Math.min(byGain[2] as number, Math.ceil(need / 2));
  const rest = need - 2 * twos;
  if (rest <= 0) return twos;
  return rest <= (byGain[1] as number) ? twos + rest : Number.POSITIVE_INFINITY;
}
