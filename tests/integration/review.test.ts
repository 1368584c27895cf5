/**
 * `npm run review` in a throw-away git copy with the real git and dvc: two commits that change poison.rate from
 * 0.1 to 0.5, each with its single run reproduced and committed, then the page against the first. The page is
 * kept in test-artifacts/ for a person to read.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { REVIEW_MARKER } from "../../scripts/review-page.ts";
import { createTempRepo, PROJECT_ROOT, type TempRepo } from "../support/temp-repo.ts";

const PAGE = "review/review.md";
const CONFUSION_IMAGE = "plots/metrics-confusion.svg";
const ARTIFACT = `${PROJECT_ROOT}/test-artifacts/review-rate-0.1-to-0.5.md`;

interface Evaluate {
  poison_rate: number;
  accuracy: number;
  accuracy_on_poisoned_test: number;
}

describe("npm run review", () => {
  let repo: TempRepo;
  let base: string;
  let before01: Evaluate;
  let after05: Evaluate;

  before(() => {
    repo = createTempRepo();
    repo.dvc("repro", "evaluate");
    repo.git("commit", "-q", "--allow-empty", "-a", "-m", "single run at poison.rate 0.1");
    base = repo.git("rev-parse", "HEAD").trim();
    before01 = JSON.parse(repo.read("metrics/evaluate.json"));
    const params = repo.read("params.yaml");
    assert.match(params, /^ {2}rate: 0\.1 /m);
    repo.write("params.yaml", params.replace(/^ {2}rate: 0\.1 /m, "  rate: 0.5 "));
    repo.dvc("repro", "evaluate");
    repo.commitAll("single run at poison.rate 0.5");
    after05 = JSON.parse(repo.read("metrics/evaluate.json"));
  });
  after(() => repo?.remove());

  it("refuses a base revision that is not a commit, naming it, and writes nothing", () => {
    const result = repo.run("npm", ["run", "--silent", "review", "--", "no-such-rev"]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /poisonlab review: base revision "no-such-rev" is not a commit in this repository/);
    assert.ok(!repo.exists("review"), "nothing written");
  });

  it("writes the page: the rate change and both accuracies first, the params, the metrics, the changed plot", () => {
    assert.equal(before01.poison_rate, 0.1);
    assert.equal(after05.poison_rate, 0.5);
    assert.ok(after05.accuracy < before01.accuracy, "a 50 % label flip costs accuracy");
    const result = repo.ok("npm", ["run", "--silent", "review", "--", base]);
    assert.match(result.stdout, /Review page: review\/review\.md/);
    const page = repo.read(PAGE);
    mkdirSync(`${PROJECT_ROOT}/test-artifacts`, { recursive: true });
    copyFileSync(repo.path(PAGE), ARTIFACT);
    const lines = page.split("\n");
    assert.equal(lines[0], REVIEW_MARKER);
    const fixed = (value: number) => value.toFixed(3);
    const delta = (key: "accuracy" | "accuracy_on_poisoned_test") => {
      const value = Math.round((after05[key] - before01[key]) * 1e6) / 1e6;
      return `${value > 0 ? "+" : ""}${value.toFixed(3)}`;
    };
    assert.equal(
      lines[3],
      `**attack \`label_flip\` (unchanged), rate 0.1 -> 0.5**: ` +
        `clean-test accuracy ${fixed(before01.accuracy)} -> ${fixed(after05.accuracy)} (${delta("accuracy")}); ` +
        `accuracy on poisoned test labels ${fixed(before01.accuracy_on_poisoned_test)} -> ` +
        `${fixed(after05.accuracy_on_poisoned_test)} (${delta("accuracy_on_poisoned_test")}).`,
    );
    assert.match(
      page,
      /### Params changed\n\n\| param \| base \| new \|\n\| --- \| --- \| --- \|\n\| `poison.rate` \| 0.1 \| 0.5 \|\n\n/,
    );
    const metricsHeader = lines.indexOf("| metric | base | new | change |");
    assert.ok(metricsHeader > 0, "a metrics table");
    assert.ok(
      lines[metricsHeader + 2]?.startsWith(
        `| clean-test accuracy (\`accuracy\`) | ${before01.accuracy} | ${after05.accuracy} |`,
      ),
      lines[metricsHeader + 2],
    );
    assert.ok(
      lines[metricsHeader + 3]?.startsWith(
        `| accuracy on poisoned test labels (\`accuracy_on_poisoned_test\`) | ${before01.accuracy_on_poisoned_test} | ${after05.accuracy_on_poisoned_test} |`,
      ),
      lines[metricsHeader + 3],
    );
    assert.match(page, /`metrics\/study-summary.json`: unchanged\./);
    assert.match(page, new RegExp(`!\\[Confusion matrix on the clean test split\\]\\(${CONFUSION_IMAGE}\\)`));
    const svg = repo.read("review", CONFUSION_IMAGE);
    assert.match(svg, /^<svg/);
    for (const revision of [base, "workspace"]) assert.ok(svg.includes(`>${revision}</text>`), `${revision} panel`);
    // Only plots whose data changed: the study's plot data is the same at both commits.
    assert.doesNotMatch(page, /accuracy-against-poison-rate/);
  });

  it("leaves the page as it was when a later run names a bad revision", () => {
    const page = repo.read(PAGE);
    const result = repo.run("npm", ["run", "--silent", "review", "--", `${base}~999`]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /base revision ".*~999" is not a commit/);
    assert.equal(repo.read(PAGE), page);
  });
});
