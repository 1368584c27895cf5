import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { offlinePlotsTemplate, PLOT_DIVS } from "../../stages/charts/offline-plots-template.ts";
import { StageError } from "../../stages/core/errors.ts";

const SCRIPTS = [
  { label: "vega 6", source: "window.vega = {};" },
  { label: "vega-lite 6", source: "window.vegaLite = {};" },
];

describe("offlinePlotsTemplate", () => {
  it("inlines the scripts in order, with DVC's plot placeholder once and no CDN scripts placeholder", () => {
    const html = offlinePlotsTemplate(SCRIPTS);
    assert.equal(html.split(PLOT_DIVS).length, 2);
    assert.ok(!html.includes("{scripts}"), "DVC would put its CDN <script> tags there");
    assert.ok(html.indexOf("window.vega = {};") < html.indexOf("window.vegaLite = {};"));
    assert.doesNotMatch(html, /<script[^>]+src=/);
    assert.ok(
      html.indexOf("window.vegaLite = {};") < html.indexOf("window.poisonlabPlots"),
      "the wrapper comes after vega-embed",
    );
  });

  const bad: Array<[string, string, RegExp]> = [
    ["an end tag", 'var s = "</script>";', /vega 6 contains "<\/script"/],
    ["a comment opener", 'var s = "<!--";', /vega 6 contains "<!--"/],
    ["a DVC placeholder", 'var s = "{plot_divs}";', /vega 6 contains \{plot_divs\}, which DVC would replace/],
    ["nothing", "  ", /vega 6 is empty/],
  ];
  for (const [name, source, message] of bad) {
    it(`refuses a bundle with ${name}`, () => {
      assert.throws(
        () => offlinePlotsTemplate([{ label: "vega 6", source }]),
        (error: unknown) => error instanceof StageError && message.test(error.message),
      );
    });
  }
});
