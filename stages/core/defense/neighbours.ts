export interface Neighbour {
  index: number;
  distance: number;
}

/**
 * The k nearest other rows of every row by Euclidean distance, nearest first; equal distances go to the
 * lower index so results never depend on sort stability. Brute force, O(n^2 log n): fine for the few
 * hundred rows this lab trains on.
 */
export function nearestNeighbours(points: readonly (readonly number[])[], k: number): Neighbour[][] {
  const count = Math.min(k, points.length - 1);
  return points.map((point, i) => {
    const others: Neighbour[] = [];
    points.forEach((other, j) => {
      if (j !== i) others.push({ index: j, distance: euclidean(point, other) });
    });
    others.sort((a, b) => a.distance - b.distance || a.index - b.index);
    return others.slice(0, count);
  });
}

function euclidean(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let f = 0; f < a.length; f++) sum += ((a[f] as number) - (b[f] as number)) ** 2;
  return Math.sqrt(sum);
}
