/**
 * The first index of an ascending array whose value is not below `value` (binary search); the last index when
 * every value is below it. Finds a value's bin among bin upper bounds (bins.ts) and a threshold's place in its
 * feature's table of thresholds (forest-file-v2.ts).
 */
export function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
