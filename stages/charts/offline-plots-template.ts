/**
 * The HTML template for `dvc plots show --html-template`, with vega, vega-lite and vega-embed inlined so the page
 * opens with no network. DVC (dvc_render/html.py) fills three placeholders by plain text replacement:
 * `{plot_divs}` (required: one div per chart, each calling vegaEmbed), `{scripts}` (the <script> tags that load
 * vega from a CDN) and `{refresh_tag}`. This template has no `{scripts}`, so the CDN tags are never written.
 */
import { StageError } from "../core/errors.ts";

/** A browser bundle to inline: `label` names it in messages and in the page (e.g. "vega 6.4.0"). */
export interface InlineScript {
  label: string;
  source: string;
}

export const PLOT_DIVS = "{plot_divs}";
const DVC_PLACEHOLDERS = ["{plot_divs}", "{scripts}", "{refresh_tag}"];

/**
 * DVC's plot divs call `vegaEmbed('#id', spec)` and drop the result. This wrapper renders to SVG (crisp when
 * zoomed or printed) and keeps every render's outcome in `window.poisonlabPlots`, so a test or a person at
 * the console can tell that every chart finished and which failed; each chart's vega View goes to
 * `window.poisonlabViews` under its target, to ask it about scales and marks.
 */
const RECORD_RENDERS = `(function () {
  var embed = window.vegaEmbed;
  var outcomes = [];
  var views = {};
  window.poisonlabPlots = outcomes;
  window.poisonlabViews = views;
  window.vegaEmbed = Object.assign(function (target, spec, options) {
    var render = embed(target, spec, Object.assign({ renderer: "svg" }, options));
    outcomes.push(render.then(
      function (result) { views[String(target)] = result.view; return { target: String(target), ok: true }; },
      function (error) { return { target: String(target), ok: false, error: String((error && error.message) || error) }; }
    ));
    return render;
  }, embed);
})();`;

export function offlinePlotsTemplate(scripts: readonly InlineScript[]): string {
  if (scripts.length === 0) throw new StageError("offline plots template: no scripts to inline");
  const tags = scripts.map(
    ({ label, source }) => `<!-- ${label} -->\n<script>\n${checkedSource(label, source)}\n</script>`,
  );
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
{refresh_tag}
<title>poisonlab plots</title>
<!-- Written by npm run plots: the chart libraries are inlined from node_modules, so this page needs no network. -->
${tags.join("\n")}
<script>
${RECORD_RENDERS}
</script>
<style>
  body { font-family: sans-serif; margin: 16px; }
  main > div { margin-bottom: 24px; }
</style>
</head>
<body>
<main id="poisonlab-plots">
${PLOT_DIVS}
</main>
</body>
</html>
`;
}

/** A bundle that would end the <script> element early, or that DVC would edit, cannot be inlined as it is. */
function checkedSource(label: string, source: string): string {
  if (source.trim() === "") throw new StageError(`offline plots template: ${label} is empty`);
  if (/<\/script/i.test(source))
    throw new StageError(
      `offline plots template: ${label} contains "</script", which would end the inline <script> early`,
    );
  if (source.includes("<!--"))
    throw new StageError(
      `offline plots template: ${label} contains "<!--", which changes how an inline <script> is parsed`,
    );
  for (const placeholder of DVC_PLACEHOLDERS) {
    if (source.includes(placeholder))
      throw new StageError(`offline plots template: ${label} contains ${placeholder}, which DVC would replace`);
  }
  return source;
}
