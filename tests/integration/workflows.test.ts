/**
 * The GitHub Actions workflows under actionlint (pinned in requirements-remotes.txt, installed into .venv by
 * npm test): any finding fails. A broken copy in a temp folder proves the check can fail. Also what the test
 * workflow promises: npm test on push and pull request, and the review comment found by its marker.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { REVIEW_MARKER } from "../../scripts/review-page.ts";
import { PROJECT_ROOT, runCommand } from "../support/temp-repo.ts";

const WORKFLOWS = join(PROJECT_ROOT, ".github", "workflows");
const workflowFiles = readdirSync(WORKFLOWS)
  .filter((name) => name.endsWith(".yml"))
  .map((name) => join(WORKFLOWS, name));

// -no-color: plain text to match; shellcheck runs on `run:` scripts when it is on PATH.
const actionlint = (files: readonly string[]) => runCommand(PROJECT_ROOT, "actionlint", ["-no-color", ...files]);

describe("the GitHub Actions workflows", () => {
  it("pass actionlint with no finding", () => {
    assert.ok(workflowFiles.length >= 2, `workflows found: ${workflowFiles.join(", ")}`);
    const checked = actionlint(workflowFiles);
    assert.equal(checked.status, 0, `${checked.stdout}\n${checked.stderr}`);
  });

  it("are valid against GitHub's workflow schema too (check-jsonschema)", () => {
    const checked = runCommand(PROJECT_ROOT, "check-jsonschema", [
      "--builtin-schema",
      "vendor.github-workflows",
      ...workflowFiles,
    ]);
    assert.equal(checked.status, 0, `${checked.stdout}\n${checked.stderr}`);
  });

  it("actionlint finds a broken copy's mistakes (so the check above can fail)", () => {
    const folder = mkdtempSync(join(tmpdir(), "poisonlab-workflow-"));
    try {
      const broken = join(folder, "test.yml");
      const text = readFileSync(join(WORKFLOWS, "test.yml"), "utf8")
        .replace("github.event.pull_request.base.sha", "github.evnt.pull_request.base.sha")
        .replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latst");
      writeFileSync(broken, text);
      const checked = actionlint([broken]);
      assert.notEqual(checked.status, 0);
      assert.match(checked.stdout, /label "ubuntu-latst" is unknown/);
      assert.match(checked.stdout, /property "evnt" is not defined/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("test.yml runs npm test on push and pull request, and the review job posts the page it finds by marker", () => {
    const text = readFileSync(join(WORKFLOWS, "test.yml"), "utf8");
    const workflow = parse(text) as any;
    assert.deepEqual(Object.keys(workflow.on).sort(), ["pull_request", "push"]);
    assert.deepEqual(workflow.permissions, { contents: "read" });
    const testScript = workflow.jobs.test.steps.map((step: { run?: string }) => step.run ?? "").join("\n");
    assert.match(testScript, /^npm test$/m);
    const review = workflow.jobs.review;
    assert.equal(review.if, "github.event_name == 'pull_request'");
    assert.deepEqual(review.permissions, { contents: "read", "pull-requests": "write" });
    const reviewScript = review.steps.map((step: { run?: string }) => step.run ?? "").join("\n");
    assert.match(reviewScript, /npm run review -- "\$BASE_SHA"/);
    assert.ok(text.includes(REVIEW_MARKER), "the comment is found by the page's marker");
    for (const file of workflowFiles) {
      for (const [, action] of readFileSync(file, "utf8").matchAll(/uses: (\S+)/g)) {
        assert.match(action as string, /@v\d+$/, `${file}: ${action} pinned by major version`);
      }
    }
  });
});
