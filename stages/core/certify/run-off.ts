import type { Certified } from "./certificate.ts";
import { fewestParts } from "./fewest-parts.ts";
import { firstChoice, firstChoiceVotes, type PartScores } from "./part-scores.ts";

/**
 * Run-off election over the parts (DPA+ROE: Rezaei, Banihashem, Chegini & Feizi, "Run-Off Election: Improved
 * Provable Defense against Data Poisoning Attacks", ICML 2023). Round 1: every part votes for its first choice
 * and the two classes with the most votes go on (ties: the lower class index). Round 2: every part prefers the
 * finalist it scores higher (the share of its trees voting for it); a part that scores both alike abstains, as an
 * empty part does, so that a tree voting for a third class hands neither finalist a vote. The finalist more parts
 * prefer wins, a tie going to the lower class index.
 *
 * Certificate. A changed part may get any scores: it moves at most one round-1 vote and one round-2 preference.
 * The prediction p changes only by one of two routes; the fewest changed parts either can take, minus one, is
 * the radius.
 *  (E) Two classes a, b pass p in round 1, so p is out. With g_a, g_b how far p's vote leads must fall (each
 *      falls by at most 2 per changed part, the two together by at most 3: one vote leaves p, one joins a or b):
 *      max(ceil(g_a / 2), ceil(g_b / 2), ceil((g_a + g_b) / 3)) parts, enough whenever p has that many votes.
 *  (F) p meets some w in the final and loses: w passes the strongest class but p in round 1 (and, with four or
 *      more classes, the others too, which the count leaves out) and p's round-2 margin over w falls far enough.
 *      A part gains 0, 1 or 2 on each of the two, by its vote and its preference (changeGains); fewestParts
 *      finds the fewest parts whose gains meet both at once.
 * Every count is a lower bound, so the radius is sound for any number of classes. With two or three classes it
 * is exact: F's counts can be reached, and where E's count exceeds p's votes, F is cheaper. tests/unit/certify.test.ts
 * compares it with brute force. With one tree per part it equals plurality's radius.
 */
export function runOff(parts: PartScores, classCount: number): Certified {
  const votes = firstChoiceVotes(parts, classCount);
  const order = Array.from({ length: classCount }, (_, c) => c).sort(
    (a, b) => (votes[b] as number) - (votes[a] as number) || a - b,
  );
  const [first, second] = order as [number, number];
  const finalMargin = margin(parts, first, second);
  const label = finalMargin > 0 || (finalMargin === 0 && first < second) ? first : second;

  const votesToPass = (ahead: number, behind: number) =>
    fallToPass((votes[ahead] as number) - (votes[behind] as number), ahead, behind);
  const rivals = order.filter((c) => c !== label);
  let cost = Number.POSITIVE_INFINITY;
  for (const w of rivals) {
    const passed = rivals.find((c) => c !== w); // the strongest class w must pass to reach the final
    const reachFinal = passed === undefined ? 0 : votesToPass(passed, w);
    const winFinal = fallToPass(margin(parts, label, w), label, w);
    const gains = parts.map((scores) => changeGains(scores, passed, w, label));
    cost = Math.min(cost, fewestParts(gains, [reachFinal, winFinal]));
  }
  rivals.forEach((a, i) => {
    for (const b of rivals.slice(i + 1)) {
      const [ga, gb] = [votesToPass(label, a), votesToPass(label, b)];
      cost = Math.min(cost, Math.max(Math.ceil(ga / 2), Math.ceil(gb / 2), Math.ceil((ga + gb) / 3)));
    }
  });
  return { label, radius: cost - 1 };
}

/** How far `ahead`'s lead over `behind` must fall before `behind` passes it, a tie going to the lower index. */
function fallToPass(lead: number, ahead: number, behind: number): number {
  return Math.max(0, lead + (ahead < behind ? 1 : 0));
}

/** Parts scoring `a` above `b` minus parts scoring `b` above `a`. */
function margin(parts: PartScores, a: number, b: number): number {
  let sum = 0;
  for (const scores of parts) {
    if (scores !== null) sum += Math.sign((scores[a] as number) - (scores[b] as number));
  }
  return sum;
}

/**
 * What changing one part to vote for `w` and score it highest gains for route (F): on w's votes against `passed`
 * (2 when the part voted for `passed`, 0 when for w, else 1) and on the fall of `label`'s final margin over w
 * (2 when it preferred label, 0 when it preferred w, else 1). No other change of the part gains more on either.
 */
function changeGains(
  scores: readonly number[] | null,
  passed: number | undefined,
  w: number,
  label: number,
): [number, number] {
  if (scores === null) return [1, 1];
  const vote = firstChoice(scores);
  return [vote === passed ? 2 : vote === w ? 0 : 1, 1 + Math.sign((scores[label] as number) - (scores[w] as number))];
}
