import {
  type AdversaryResults,
  BACKDOOR_DEFENSES,
  type BackdoorCell,
  type DataSetAdversary,
  FLIP_ATTACKS,
  type FlipCell,
} from "../study/adversary-results.ts";
import { intervalsExclude } from "../study/statistics.ts";
import { fixed, markdownTable, percent, withInterval } from "./numbers.ts";

/** The report headings of this section and the next; the README links to their anchors. */
export const ADVERSARY_HEADING = "6. Chosen attacks, backdoors and a certified defense";
export const REVIEWER_HEADING = "7. What a reviewer should check beyond clean-test accuracy";

const triggerPosition = (beyond: number): string =>
  beyond === 0 ? "in range (training maximum)" : `${beyond} ranges above the maximum`;

/** The flip with the largest mean drop at a rate; "significant" when its drop's interval excludes random's. */
function strongestFlip(cells: readonly FlipCell[]): string {
  const strongest = cells.reduce((a, b) => (b.drop.mean > a.drop.mean ? b : a));
  const random = cells.find((cell) => cell.method === "label_flip");
  if (strongest.method === "label_flip" || random === undefined) return "label_flip (random)";
  const beyond = intervalsExclude(strongest.drop, random.drop) ? "significant" : "within noise";
  return `${strongest.method}, ${fixed(strongest.drop.mean - random.drop.mean)} more than random (${beyond})`;
}

/** Clean-test accuracy and its drop from clean for each flip at each budget. */
export function flipTable(data: DataSetAdversary): string {
  const rates = [...new Set(data.flips.map((cell) => cell.rate))];
  const rows = rates.map((rate) => {
    const cells = FLIP_ATTACKS.map((method) => data.flips.find((c) => c.method === method && c.rate === rate));
    const present = cells.filter((cell): cell is FlipCell => cell !== undefined);
    return [
      percent(rate),
      ...cells.map((cell) => (cell ? `${withInterval(cell.accuracy)}, drop ${fixed(cell.drop.mean)}` : "")),
      strongestFlip(present),
    ];
  });
  return markdownTable(
    [
      "budget",
      "label_flip (random)",
      `targeted_flip (${data.targeted.source} → ${data.targeted.target})`,
      "adversarial_flip",
      "strongest",
    ],
    rows,
  );
}

/** Per trigger position and rate: no defense's success and accuracy, then each detector's recall and success. */
export function backdoorTable(data: DataSetAdversary): string {
  const keys = [...new Set(data.backdoors.map((cell) => `${cell.beyond} ${cell.rate}`))];
  const rows = keys.map((key) => {
    const [beyond, rate] = key.split(" ").map(Number) as [number, number];
    const here = (defense: string) =>
      data.backdoors.find((c) => c.beyond === beyond && c.rate === rate && c.defense === defense);
    return [
      triggerPosition(beyond),
      percent(rate),
      ...BACKDOOR_DEFENSES.map((defense) => {
        const cell = here(defense);
        if (cell === undefined) return "";
        const success = `success ${fixed(cell.attack_success_rate.mean)}`;
        return cell.recall === null
          ? `${success}, accuracy ${fixed(cell.accuracy.mean)}`
          : `recall ${fixed(cell.recall.mean, 2)}, ${success}`;
      }),
    ];
  });
  return markdownTable(["trigger", "backdoor rows", ...BACKDOOR_DEFENSES], rows);
}

/** The k with the highest mean certified accuracy summed over the radii above 0 (ties: the smaller k). */
export function bestK(data: DataSetAdversary): number {
  const ks = [...new Set(data.certify.map((cell) => cell.k))];
  const area = (k: number) =>
    data.certify
      .filter((cell) => cell.k === k && cell.radius > 0)
      .reduce((sum, cell) => sum + cell.certified_accuracy.mean, 0);
  return ks.reduce((best, k) => (area(k) > area(best) ? k : best));
}

/** Accuracy and certified accuracy at each radius, one row per k; the best k in bold. */
export function certifyTable(data: DataSetAdversary): string {
  const ks = [...new Set(data.certify.map((cell) => cell.k))];
  const radii = [...new Set(data.certify.map((cell) => cell.radius))].filter((r) => r > 0);
  const best = bestK(data);
  const rows = ks.map((k) => {
    const at = (r: number) => data.certify.find((cell) => cell.k === k && cell.radius === r)?.certified_accuracy;
    const accuracy = at(0);
    return [
      k === best ? `**${k}**` : String(k),
      accuracy ? withInterval(accuracy) : "",
      ...radii.map((r) => {
        const cell = at(r);
        return cell ? withInterval(cell) : "";
      }),
    ];
  });
  return markdownTable(["k", "accuracy", ...radii.map((r) => `certified at r = ${r}`)], rows);
}

/** The section: attack strength, backdoors against the detectors, certified accuracy, per data set. */
export function adversarySection(study: AdversaryResults, chartFile: string): string {
  const perDataSet = Object.entries(study.datasets)
    .map(
      ([name, data]) => `### ${name}

${data.train_rows} train / ${data.test_rows} test rows, ${data.class_count} classes; clean-test accuracy
${withInterval(data.clean_accuracy)}.

Label flips at equal budgets, clean-test accuracy [95 % CI] and its mean drop from clean:

${flipTable(data)}

Backdoor (trigger on ${data.backdoor.features.join(", ")}; target ${data.backdoor.target}): attack success rate, the
share of triggered clean test rows of other classes predicted as the target; for each detector, the share of backdoor
rows it flagged (recall) and the success rate of a forest trained on the rows it kept:

${backdoorTable(data)}

Partition aggregation, certified accuracy [95 % CI] (the share of test points predicted correctly and certified at
radius >= r); the best k (highest certified accuracy summed over the radii) in bold:

${certifyTable(data)}`,
    )
    .join("\n\n");
  return `Attacks chosen by someone who wants a result, on each data set of \`study.datasets\`: ${study.repeats} repeats
(\`study.adversary.repeats\`), each with the study's split and forest seeds, so the random label_flip here equals
its cells in section 5. The budget is the same for every attack at a rate: round(rate x training rows) rows.
\`targeted_flip\` relabels rows of the data's largest class as its next largest; \`adversarial_flip\` flips the rows
an attacker's surrogate forest (out-of-fold, \`study.adversary.surrogate\`) is least sure of to its runner-up class.
The backdoor stamps a trigger, the last \`study.adversary.trigger_features\` numeric features set to their training
maximum (moved \`study.adversary.trigger_beyond\` feature ranges up), on rows of other classes and relabels them the
first class. The detectors are the sanitize stage's with the \`defense\` section's knobs, the outlier detector told
the true share of backdoor rows. Partition aggregation (the \`certify\` stage's defense) runs one tree per part on
all features, the setting of the published reference; its certificate holds against any r inserted, deleted or
relabelled training rows (the README's "Partition aggregation" section says why; a property test checks it).

![certified accuracy against radius, per data set and k](${chartFile})

${perDataSet}`;
}

function backdoorAt(data: DataSetAdversary, beyond: number, defense: string): BackdoorCell | undefined {
  const rates = data.backdoors.filter((cell) => cell.beyond === beyond).map((cell) => cell.rate);
  const rate = Math.max(...rates);
  return data.backdoors.find((cell) => cell.beyond === beyond && cell.rate === rate && cell.defense === defense);
}

/** Plain words for a reviewer, each point with the measurement behind it. */
export function reviewerSection(study: AdversaryResults): string {
  const names = Object.keys(study.datasets);
  const each = (line: (name: string, data: DataSetAdversary) => string) =>
    names.map((name) => line(name, study.datasets[name] as DataSetAdversary)).join("; ");
  const backdoorLine = each((name, data) => {
    const cell = backdoorAt(data, 0, "none");
    return cell
      ? `${name} ${fixed(cell.attack_success_rate.mean)} at ${percent(cell.rate)} with clean-test accuracy ${fixed(cell.accuracy.mean)} (clean ${fixed(data.clean_accuracy.mean)})`
      : `${name} not measured`;
  });
  const flipLine = each((name, data) => {
    const rate = Math.max(...data.flips.map((cell) => cell.rate));
    const drop = (method: string) =>
      data.flips.find((cell) => cell.method === method && cell.rate === rate)?.drop.mean ?? Number.NaN;
    return `${name} ${fixed(drop("targeted_flip"))} targeted and ${fixed(drop("adversarial_flip"))} adversarial against ${fixed(drop("label_flip"))} random at ${percent(rate)}`;
  });
  const beyonds = [...new Set(Object.values(study.datasets).flatMap((d) => d.backdoors.map((c) => c.beyond)))];
  const outside = Math.max(...beyonds);
  const detectorLine = each((name, data) => {
    const inRange = backdoorAt(data, 0, "outlier")?.recall?.mean;
    const out = backdoorAt(data, outside, "outlier")?.recall?.mean;
    const label = backdoorAt(data, 0, "label")?.recall?.mean;
    return `${name}: outlier ${inRange === undefined ? "–" : fixed(inRange, 2)} in range, ${out === undefined ? "–" : fixed(out, 2)} out of range; label check ${label === undefined ? "–" : fixed(label, 2)}`;
  });
  const certifyLine = each((name, data) => {
    const k = bestK(data);
    const cells = data.certify.filter((cell) => cell.k === k && cell.radius > 0);
    return `${name} at k = ${k}: ${cells.map((cell) => `${fixed(cell.certified_accuracy.mean)} at r = ${cell.radius}`).join(", ")}`;
  });
  return `Clean-test accuracy is the number everyone checks, and the one a careful attacker leaves alone. Beyond it:

1. **Ask for the attack success rate of any suspected trigger, not only clean accuracy.** A backdoor in range, with
   no defense, reached a success rate of ${backdoorLine}. Clean-test accuracy cannot show it; only rows with the
   trigger can.
2. **Read per-class recall and the confusion matrix, not the average.** A chosen attack does more with the same
   budget: mean accuracy drops of ${flipLine}. A targeted flip empties one class into another, which the confusion
   matrix (\`metrics/confusion.json\`) shows at a glance.
3. **Ask which detector ran and what it was measured to catch.** Share of the backdoor rows flagged at the highest
   backdoor rate: ${detectorLine}. A trigger inside every range passes range and distance checks; rows that share
   one trigger are each other's nearest neighbours, so a distance-based outlier score sees a tight cluster, not
   outliers, once there are more of them than the detector's neighbours; and their labels are consistent with the
   trigger, so a label check trained on them agrees with them.
4. **Prefer a certificate to a heuristic where the budget is small.** Partition aggregation proves, per test point,
   how many poisoned rows it withstands: certified accuracy ${certifyLine}. It holds against any attack within the
   radius, chosen or not, at the price of some clean accuracy.
5. **Check where the training data came from.** \`dvc.lock\` pins the hash of every input, and the poison stage's
   manifest lists every row an experiment changed; in real data, who could write training rows is the attack surface.`;
}
