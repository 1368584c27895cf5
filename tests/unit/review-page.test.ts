import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DvcDiff, REVIEW_MARKER, type ReviewInput, reviewPage, summaryLine } from "../../scripts/review-page.ts";
import { confusionSpec } from "../../stages/charts/confusion-chart.ts";
import { renderSvg } from "../../stages/charts/render.ts";

// What `dvc metrics diff --json --all` prints for a 0.1 -> 0.5 label_flip rate change (keys in DVC's own order).
const METRICS: DvcDiff = {
  "metrics/sanitize.json": { removed: { old: 0, new: 0, diff: 0 } },
  "metrics/evaluate.json": {
    f1_macro: { old: 0.966583, new: 0.462411, diff: -0.504172 },
    poison_rate: { old: 0.1, new: 0.5, diff: 0.4 },
    accuracy_on_poisoned_test: { old: 0.866667, new: 0.366667, diff: -0.5 },
    test_rows: { old: 30, new: 30, diff: 0 },
    "poison.train_rows_poisoned": { old: 12, new: 60, diff: 48 },
    poison_method: { old: "label_flip", new: "label_flip" },
    accuracy: { old: 0.966667, new: 0.466667, diff: -0.5 },
  },
  "metrics/study-summary.json": { clean_accuracy: { old: 0.957778, new: 0.957778, diff: 0 } },
  "metrics/defenses-summary.json": {
    label_flip_50pct_best_defense: { old: "knn", new: "label + regularised" },
    label_flip_50pct_defense_gain: { old: 0.2, new: 0.347778, diff: 0.147778 },
  },
};
const PARAMS: DvcDiff = { "params.yaml": { "poison.rate": { old: 0.1, new: 0.5 } } };

const input = (overrides: Partial<ReviewInput> = {}): ReviewInput => ({
  base: "abc1234",
  head: "workspace",
  params: PARAMS,
  metrics: METRICS,
  plots: [{ id: "metrics/confusion.json", title: "Confusion matrix", image: "plots/metrics-confusion.svg" }],
  ...overrides,
});

const lines = (text: string) => text.split("\n");

describe("the review page", () => {
  it("starts with the hidden marker, then the one-line summary: attack, rate and both accuracies with deltas", () => {
    const page = lines(reviewPage(input()));
    assert.equal(page[0], REVIEW_MARKER);
    assert.equal(page[1], "## poisonlab review: `abc1234` -> `workspace`");
    assert.equal(
      page[3],
      "**attack `label_flip` (unchanged), rate 0.1 -> 0.5**: clean-test accuracy 0.967 -> 0.467 (-0.500); " +
        "accuracy on poisoned test labels 0.867 -> 0.367 (-0.500).",
    );
  });

  it("names a changed attack, and says when a metric is missing", () => {
    const metrics: DvcDiff = {
      "metrics/evaluate.json": {
        poison_method: { old: "label_flip", new: "backdoor" },
        poison_rate: { old: 0.05, new: 0.05, diff: 0 },
        accuracy: { old: 0.9, new: 0.95, diff: 0.05 },
      },
    };
    assert.equal(
      summaryLine(metrics),
      "**attack `label_flip` -> `backdoor`, rate 0.05 (unchanged)**: clean-test accuracy 0.900 -> 0.950 (+0.050); " +
        "accuracy on poisoned test labels not measured.",
    );
  });

  it("lists the params changed, a key absent on one side as a dash", () => {
    const page = reviewPage(
      input({
        params: { "params.yaml": { "poison.rate": { old: 0.1, new: 0.5 }, "certify.k": { old: null, new: 10 } } },
      }),
    );
    assert.match(
      page,
      /\| param \| base \| new \|\n\| --- \| --- \| --- \|\n\| `certify.k` \| — \| 10 \|\n\| `poison.rate` \| 0.1 \| 0.5 \|/,
    );
    assert.match(reviewPage(input({ params: {} })), /### Params\n\nNo param changed\./);
  });

  it("puts clean-test and poisoned-test accuracy first in the metrics table, then only what changed", () => {
    const page = lines(reviewPage(input()));
    const header = page.indexOf("| metric | base | new | change |");
    assert.deepEqual(page.slice(header + 2, header + 6), [
      "| clean-test accuracy (`accuracy`) | 0.966667 | 0.466667 | -0.500000 |",
      "| accuracy on poisoned test labels (`accuracy_on_poisoned_test`) | 0.866667 | 0.366667 | -0.500000 |",
      "| `metrics/evaluate.json:f1_macro` | 0.966583 | 0.462411 | -0.504172 |",
      "| `metrics/evaluate.json:poison.train_rows_poisoned` | 12 | 60 | +48 |",
    ]);
    assert.equal(page[header + 6], "| `metrics/evaluate.json:poison_rate` | 0.1 | 0.5 | +0.400000 |");
    assert.equal(page[header + 7], "");
    // test_rows, poison_method and sanitize's removed did not change.
    assert.equal(page[header + 8], "3 other single-run metrics unchanged.");
  });

  it("gives each study summary one line when unchanged and a table of what changed otherwise", () => {
    const page = reviewPage(input());
    assert.match(page, /`metrics\/study-summary.json`: unchanged\./);
    assert.match(
      page,
      /\| `metrics\/defenses-summary.json` \| base \| new \| change \|\n\| --- \| --- \| --- \| --- \|\n\| `label_flip_50pct_best_defense` \| `knn` \| `label \+ regularised` \| {2}\|\n\| `label_flip_50pct_defense_gain` \| 0.2 \| 0.347778 \| \+0.147778 \|/,
    );
  });

  it("shows changed plots as images beside the page, or links the CI run that holds them", () => {
    assert.match(reviewPage(input()), /!\[Confusion matrix\]\(plots\/metrics-confusion.svg\)/);
    const linked = reviewPage(input({ plotsUrl: "https://example.org/runs/1" }));
    assert.doesNotMatch(linked, /!\[/);
    assert.match(linked, /\[this run\]\(https:\/\/example.org\/runs\/1\)/);
    assert.match(linked, /- Confusion matrix \(`plots\/metrics-confusion.svg`\)/);
    assert.match(reviewPage(input({ plots: [] })), /### Plots\n\nNo plot's data changed\./);
  });

  it("is the same page for the same diff in any key order, and keeps table cells intact", () => {
    const reversed = Object.fromEntries(
      Object.entries(METRICS)
        .reverse()
        .map(([file, keys]) => [file, Object.fromEntries(Object.entries(keys).reverse())]),
    );
    assert.equal(reviewPage(input({ metrics: reversed })), reviewPage(input()));
    const piped = reviewPage(input({ params: { "params.yaml": { "prepare.label": { old: "a|b", new: "c" } } } }));
    assert.match(piped, /\| `prepare.label` \| `a\\\|b` \| `c` \|/);
  });
});

describe("the review's confusion matrix", () => {
  it("draws one panel per revision with the count in each cell", async () => {
    const rows = (rev: string, pairs: [string, string, number][]) =>
      pairs.flatMap(([actual, predicted, count]) => Array.from({ length: count }, () => ({ actual, predicted, rev })));
    const records = [
      ...rows("HEAD~1", [
        ["a", "a", 7],
        ["b", "b", 5],
      ]),
      ...rows("workspace", [
        ["a", "a", 4],
        ["a", "b", 3],
        ["b", "b", 5],
      ]),
    ];
    const spec = confusionSpec(records, {
      predicted: "predicted",
      actual: "actual",
      title: "Confusion",
      revisions: ["HEAD~1", "workspace"],
    });
    const texts = [...(await renderSvg(spec)).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
    for (const label of ["HEAD~1", "workspace", "7", "4", "3", "5"]) assert.ok(texts.includes(label), label);
    assert.ok(texts.indexOf("HEAD~1") < texts.indexOf("workspace"), "panels in the order given");
    assert.throws(
      () =>
        confusionSpec([{ actual: "a", rev: "x" }], {
          predicted: "predicted",
          actual: "actual",
          title: "t",
          revisions: [],
        }),
      /record 0 has no class in predicted/,
    );
  });
});
