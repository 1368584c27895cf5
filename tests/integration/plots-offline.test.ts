/**
 * `npm run plots` in a throw-away copy of the repo, opened in Debian's headless Chromium with every request
 * outside file:// and 127.0.0.1 blocked: each chart DVC lists must draw marks. A screenshot is kept in
 * test-artifacts/ for a person to look at. As a control, DVC's own page (vega from a CDN) draws nothing there.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { launchOfflineChromium, type OfflineBrowser } from "../support/chromium.ts";
import { createTempRepo, PROJECT_ROOT, type TempRepo } from "../support/temp-repo.ts";

const SCREENSHOT = `${PROJECT_ROOT}/test-artifacts/plots-offline.png`;

interface ChartOutcome {
  target: string;
  ok: boolean;
  error?: string;
}

interface DrawnChart {
  id: string;
  dataMarks: number;
}

/**
 * Runs in the page: for each chart DVC wrote (a div under main), the data-mark items a person can see. vega
 * puts each data mark's items under a group of class role-mark (axes, legends and titles have other roles);
 * an item counts when it has a size and is not hidden (DVC's templates add invisible hover rules and
 * transparent voronoi cells, and a line of unplottable values is a path without geometry). Plain JavaScript
 * in a string: tsx would add helpers to a TypeScript function that the page does not have.
 */
const COUNT_VISIBLE_DATA_MARKS = `(() => {
  const hidden = (value) => value === "none" || value === "transparent" || value === "rgba(0, 0, 0, 0)";
  const visible = (item) => {
    const style = getComputedStyle(item);
    if (Number(style.opacity) === 0 || (hidden(style.fill) && hidden(style.stroke))) return false;
    const box = item.getBBox();
    return box.width > 0 || box.height > 0;
  };
  return [...document.querySelectorAll("main#poisonlab-plots > div")].map((div) => ({
    id: div.id,
    dataMarks: [...div.querySelectorAll("svg g.role-mark > :not(g)")].filter(visible).length,
  }));
})()`;

describe("npm run plots: DVC plots that open offline", () => {
  let repo: TempRepo;
  let browser: OfflineBrowser;
  let plotNames: string[];

  before(async () => {
    repo = createTempRepo();
    repo.dvc("repro");
    plotNames = Object.keys((JSON.parse(repo.dvc("plots", "show", "--json")) as { data: object }).data);
    browser = await launchOfflineChromium();
  });
  after(async () => {
    await browser?.close();
    repo?.remove();
  });

  it("writes a page from the inlined template, with no CDN script in it", () => {
    // The script itself, not scripts/plots.sh: its setup step would `npm ci` over the linked node_modules.
    const printed = repo.ok("node", ["--import", "tsx", "scripts/plots.ts"]).stdout;
    assert.match(printed, /Offline plots: .*dvc_plots\/index\.html/);
    const page = repo.read("dvc_plots", "index.html");
    assert.doesNotMatch(page, /<script[^>]+src=/);
    assert.ok(plotNames.length > 0, "dvc lists at least one plot");
  });

  it("draws marks in every chart in Chromium with the network blocked, and keeps a screenshot", async () => {
    const url = pathToFileURL(repo.path("dvc_plots", "index.html")).href;
    const { page, problems } = await browser.open(url);
    const outcomes = (await page.evaluate("Promise.all(window.poisonlabPlots)")) as ChartOutcome[];
    assert.deepEqual(
      outcomes.filter((outcome) => !outcome.ok),
      [],
      "every chart rendered",
    );
    const charts = (await page.evaluate(COUNT_VISIBLE_DATA_MARKS)) as DrawnChart[];
    mkdirSync(`${PROJECT_ROOT}/test-artifacts`, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.equal(charts.length, plotNames.length, `one chart per plot dvc lists (${plotNames.join(", ")})`);
    for (const chart of charts)
      assert.ok(chart.dataMarks > 0, `chart ${chart.id} drew ${chart.dataMarks} visible data marks`);
    assert.deepEqual(browser.blocked, [], "the page asked for nothing outside file://");
    assert.deepEqual(
      problems.filter((problem) => problem.startsWith("uncaught")),
      [],
    );
    await page.close();
  });

  it("control: DVC's default page, which loads vega from a CDN, is blocked and draws nothing", async () => {
    repo.dvc("plots", "show", "-o", "cdn_plots");
    const blockedBefore = browser.blocked.length;
    const { page } = await browser.open(pathToFileURL(repo.path("cdn_plots", "index.html")).href);
    const drawn = await page.evaluate('document.querySelectorAll("svg, canvas").length');
    const blocked = browser.blocked.slice(blockedBefore);
    assert.ok(
      blocked.some((url) => url.includes("vega")),
      `the CDN scripts were requested and blocked: ${blocked.join(", ")}`,
    );
    assert.equal(drawn, 0);
    await page.close();
  });
});
