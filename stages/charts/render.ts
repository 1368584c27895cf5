/**
 * A vega-lite spec to an SVG string in Node, with vega and vega-lite from npm: no browser, no disk, no network.
 * The same spec gives byte-identical SVG: text is measured by vega's estimate (never by a canvas package that
 * may or may not be installed, with whatever fonts the machine has), and the ids of clip paths and gradients
 * restart for every chart.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { StageError } from "../core/errors.ts";

/** vega's text measurement switch; it exists at run time but vega's typings leave it out. */
interface TextMetrics {
  canvas(use: boolean): void;
}

function useEstimatedTextWidths(): void {
  const metrics = (vega as unknown as { textMetrics?: Partial<TextMetrics> }).textMetrics;
  if (typeof metrics?.canvas !== "function")
    throw new Error("vega no longer exports textMetrics.canvas: check render.ts");
  metrics.canvas(false);
}

/** A vega logger that keeps warnings and errors instead of printing them. */
function collectingLogger(messages: string[]): vega.LoggerInterface {
  const keep = (level: string) =>
    function (this: vega.LoggerInterface, ...args: unknown[]) {
      messages.push(`${level}: ${args.map(String).join(" ")}`);
      return this;
    };
  const logger: vega.LoggerInterface = {
    level: () => vega.Warn,
    error: keep("error"),
    warn: keep("warning"),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/** Charts carry their data inline: any attempt to load a file or URL is a mistake in the spec. */
const noLoading: vega.Loader = {
  load: (uri) => Promise.reject(new StageError(`chart: data must be inline, but the spec asks to load ${uri}`)),
  sanitize: (uri) => Promise.reject(new StageError(`chart: data must be inline, but the spec asks to load ${uri}`)),
  http: (uri) => Promise.reject(new StageError(`chart: data must be inline, but the spec asks to fetch ${uri}`)),
  file: (path) => Promise.reject(new StageError(`chart: data must be inline, but the spec asks to read ${path}`)),
};

/**
 * Renders a vega-lite spec as a standalone SVG document. Any warning from vega-lite or vega is an error here:
 * a chart in a committed report should not silently drop an encoding.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const messages: string[] = [];
  let compiled: vega.Spec;
  try {
    compiled = compile(spec, { logger: collectingLogger(messages) }).spec;
  } catch (error) {
    throw new StageError(`chart "${chartName(spec)}": vega-lite rejected the spec: ${(error as Error).message}`);
  }
  useEstimatedTextWidths();
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compiled), {
    renderer: "none",
    loader: noLoading,
    logger: collectingLogger(messages),
    logLevel: vega.Warn,
  });
  try {
    await view.runAsync();
    const svg = await view.toSVG();
    if (messages.length > 0) throw new StageError(`chart "${chartName(spec)}": ${messages.join("; ")}`);
    return `${svg}\n`;
  } finally {
    view.finalize();
  }
}

function chartName(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
    return (title as { text: string }).text;
  }
  return "untitled";
}
