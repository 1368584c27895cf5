import type { Certified } from "../../stages/core/certify/certificate.ts";
import type { PartScores } from "../../stages/core/certify/part-scores.ts";

export interface Configuration {
  parts: PartScores;
  result: Certified;
  /** The fewest parts whose replacement changes the prediction (Infinity: no replacement does). */
  fewestChanges: number;
}

/**
 * Brute force for the certificate of an aggregation over parts' scores: every configuration of `k` parts over
 * `classCount` classes, with the fewest replaced parts that change its prediction.
 *
 * The aggregation sees of a part only its first choice and which of every two classes it scores higher, that is
 * the weak order of its scores. Scores from the grid {0, 1/(C-1), ..., 1} realise every weak order of C classes,
 * so one grid vector per weak order, plus an empty part (null), is every part there can be, before or after an
 * attack. The parts' order does not matter either, so a configuration is a multiset of k such parts. Replacing
 * r parts in every possible way reaches exactly the configurations r steps away in the graph whose edges replace
 * one part: a breadth-first search from all configurations that predict another class than L finds, for each
 * configuration predicting L, the fewest replacements that change its prediction.
 */
export function everyConfiguration(
  k: number,
  classCount: number,
  aggregate: (parts: PartScores, classCount: number) => Certified,
): Configuration[] {
  const kinds = [...partKinds(classCount), null];
  const configurations = multisets(k, kinds.length);
  const index = new Map(configurations.map((counts, i) => [counts.join(","), i]));
  const parts = configurations.map((counts) => counts.flatMap((count, kind) => Array(count).fill(kinds[kind])));
  const results = parts.map((config) => aggregate(config, classCount));
  const neighbours = configurations.map((counts) =>
    counts.flatMap((count, from) =>
      count === 0
        ? []
        : kinds.flatMap((_, to) => {
            if (to === from) return [];
            const next = [...counts];
            next[from] = (next[from] as number) - 1;
            next[to] = (next[to] as number) + 1;
            return [index.get(next.join(",")) as number];
          }),
    ),
  );
  const fewest = new Array<number>(configurations.length).fill(Number.POSITIVE_INFINITY);
  for (let label = 0; label < classCount; label++) {
    const distance = results.map((result) => (result.label === label ? Number.POSITIVE_INFINITY : 0));
    let frontier = distance.flatMap((d, i) => (d === 0 ? [i] : []));
    for (let steps = 1; frontier.length > 0; steps++) {
      const next: number[] = [];
      for (const i of frontier) {
        for (const j of neighbours[i] as number[]) {
          if (distance[j] === Number.POSITIVE_INFINITY) {
            distance[j] = steps;
            next.push(j);
          }
        }
      }
      frontier = next;
    }
    results.forEach((result, i) => {
      if (result.label === label) fewest[i] = distance[i] as number;
    });
  }
  return results.map((result, i) => ({
    parts: parts[i] as PartScores,
    result,
    fewestChanges: fewest[i] as number,
  }));
}

/** One score vector per weak order of `classCount` classes, from the grid {0, 1/(C-1), ..., 1}. */
function partKinds(classCount: number): number[][] {
  const levels = Array.from({ length: classCount }, (_, i) => i / (classCount - 1));
  let vectors: number[][] = [[]];
  for (let c = 0; c < classCount; c++) vectors = vectors.flatMap((vector) => levels.map((v) => [...vector, v]));
  const byOrder = new Map<string, number[]>();
  for (const vector of vectors) {
    const order = vector.flatMap((a) => vector.map((b) => Math.sign(a - b))).join(",");
    if (!byOrder.has(order)) byOrder.set(order, vector);
  }
  return [...byOrder.values()];
}

/** Every way to put `size` items into `kinds` kinds, as counts per kind. */
function multisets(size: number, kinds: number): number[][] {
  if (kinds === 1) return [[size]];
  return Array.from({ length: size + 1 }, (_, first) =>
    multisets(size - first, kinds - 1).map((rest) => [first, ...rest]),
  ).flat();
}
