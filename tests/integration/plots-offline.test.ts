/**
 * `npm run plots` in a throw-away copy of the repo, opened in Debian's headless Chromium with every request
 * outside file:// and 127.0.0.1 blocked: each chart DVC lists must draw marks, and be readable: every series in
 * its own colour with a legend name a person understands, every axis titled, no tick labels on top of each
 * other, a log x axis for the synthetic learning curve. A screenshot is kept in test-artifacts/ for a person
 * to look at. As a control, DVC's own page (vega from a CDN) draws nothing there.
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

interface ChartLook {
  id: string;
  /** The stroke colour of each drawn line (one line per series and revision). */
  lineStrokes: string[];
  /** The labels of the legend that names the colours, when the chart has one. */
  colourLegend: string[];
  axes: { title: string; labels: string[]; overlaps: string[] }[];
}

/**
 * Runs in the page: for each chart, what a reader sees. Lines are vega's line marks (one path per line);
 * the colour legend is the one whose symbols are filled; an axis's visible tick labels (vega hides the ones
 * it drops for overlap with opacity 0, and a log axis leaves minor ticks without text) must not overlap, checked on their boxes on screen. Plain JavaScript
 * in a string, as above.
 */
const LOOK_AT_CHARTS = `(() => {
  const shown = (element) => Number(getComputedStyle(element).opacity) !== 0 && element.getAttribute("opacity") !== "0";
  const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  return [...document.querySelectorAll("main#poisonlab-plots > div")].map((div) => {
    const legends = [...div.querySelectorAll("svg g.role-legend")].map((legend) => ({
      filled: [...legend.querySelectorAll("g.role-legend-symbol path")].some((path) => !["transparent", "none", null].includes(path.getAttribute("fill"))),
      labels: [...legend.querySelectorAll("g.role-legend-label text")].map((text) => text.textContent),
    }));
    return {
      id: div.id,
      lineStrokes: [...div.querySelectorAll("svg g.mark-line.role-mark path")].map((path) => path.getAttribute("stroke")),
      colourLegend: legends.find((legend) => legend.filled && legend.labels.length > 0)?.labels ?? [],
      // vega-lite draws each grid as an axis of its own, with no labels: leave those out.
      axes: [...div.querySelectorAll("svg g.role-axis")].filter((axis) => axis.querySelector("g.role-axis-domain, g.role-axis-label")).map((axis) => {
        const labels = [...axis.querySelectorAll("g.role-axis-label text")].filter((text) => shown(text) && text.textContent !== "");
        const boxes = labels.map((text) => text.getBoundingClientRect());
        const overlaps = [];
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++)
            if (overlap(boxes[i], boxes[j])) overlaps.push(labels[i].textContent + " / " + labels[j].textContent);
        return {
          title: [...axis.querySelectorAll("g.role-axis-title text")].map((text) => text.textContent).join(" "),
          labels: labels.map((text) => text.textContent),
          overlaps,
        };
      }),
    };
  });
})()`;

/** The study's line charts (dvc.yaml's plots section) and the series each must show, in its legend's words. */
const SERIES_CHARTS: Record<string, string[]> = {
  "accuracy-against-poison-rate": ["label_flip", "feature_noise", "inject"],
  "accuracy-against-label-flip-per-data-set": ["iris", "wine", "breast_cancer"],
  "learning-curves-synthetic": ["0 % flipped", "10 % flipped", "30 % flipped", "50 % flipped"],
  "learning-curves-iris": ["0 % flipped", "10 % flipped", "30 % flipped", "50 % flipped"],
};

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

    const looks = (await page.evaluate(LOOK_AT_CHARTS)) as ChartLook[];
    for (const [id, series] of Object.entries(SERIES_CHARTS)) {
      const look = looks.find((chart) => chart.id === id);
      assert.ok(look, `the page has the chart ${id}`);
      assert.deepEqual(look.colourLegend, series, `${id}: the legend names each series in words`);
      assert.equal(look.lineStrokes.length, series.length, `${id}: one line per series`);
      assert.equal(
        new Set(look.lineStrokes).size,
        series.length,
        `${id}: each series in its own colour, got ${look.lineStrokes.join(", ")}`,
      );
    }
    for (const look of looks) {
      assert.ok(look.axes.length >= 2, `${look.id} has an x and a y axis`);
      for (const axis of look.axes) {
        assert.ok(
          axis.title.trim() !== "" && !["x", "y"].includes(axis.title.trim()),
          `${look.id}: the axis labelled ${axis.labels.slice(0, 3).join(", ")}... has the title "${axis.title}"`,
        );
        assert.ok(axis.labels.length >= 2, `${look.id}: the axis "${axis.title}" shows tick labels`);
        assert.deepEqual(axis.overlaps, [], `${look.id}: tick labels of "${axis.title}" do not overlap`);
      }
    }
    const xScaleType = (id: string) => page.evaluate(`window.poisonlabViews["#${id}"].scale("x").type`);
    assert.equal(await xScaleType("learning-curves-synthetic"), "log", "10 to 2,000 rows on a log x axis");
    assert.equal(await xScaleType("accuracy-against-poison-rate"), "linear");
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
