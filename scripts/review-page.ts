/**
 * The review page of `npm run review`, as markdown, from what DVC reports: pure (no files, no process), so the
 * formatting is unit-tested without git or DVC (tests/unit/review-page.test.ts). scripts/review.ts gathers the
 * inputs: `dvc params diff --json`, `dvc metrics diff --json --all` and the plots whose data changed.
 */

/** The hidden line the pull-request workflow finds its own comment by, to update it instead of adding one. */
export const REVIEW_MARKER = "<!-- poisonlab-review -->";

/** One value as DVC's --json diffs give it: old or new is null when the key is absent on that side. */
export interface DiffEntry {
  old: unknown;
  new: unknown;
  diff?: unknown;
}

/** `dvc params diff --json` and `dvc metrics diff --json`: file -> key -> entry. */
export type DvcDiff = Readonly<Record<string, Readonly<Record<string, DiffEntry>>>>;

export interface ReviewPlot {
  /** DVC's plot id (a name from dvc.yaml's top-level plots, or a file path). */
  id: string;
  title: string;
  /** The image file, relative to the page. */
  image: string;
}

export interface ReviewInput {
  base: string;
  /** What the base is compared with, e.g. "workspace". */
  head: string;
  params: DvcDiff;
  /** With --all: unchanged metrics too, so the headline can show both values. */
  metrics: DvcDiff;
  plots: readonly ReviewPlot[];
  /** When set, plots are linked there (the CI run that holds them) instead of shown as images beside the page. */
  plotsUrl?: string;
}

export const EVALUATE_FILE = "metrics/evaluate.json";
/** What the studies write for review: their headline metrics (the full tables are plain outputs). */
export const STUDY_SUMMARY_FILES = ["metrics/study-summary.json", "metrics/defenses-summary.json"] as const;
/** The single run's accuracies, first in every table: clean-test, then against poisoned test labels. */
const HEADLINE_KEYS = ["accuracy", "accuracy_on_poisoned_test"] as const;
const HEADLINE_NAMES: Record<(typeof HEADLINE_KEYS)[number], string> = {
  accuracy: "clean-test accuracy",
  accuracy_on_poisoned_test: "accuracy on poisoned test labels",
};

export function reviewPage(input: ReviewInput): string {
  return [
    REVIEW_MARKER,
    `## poisonlab review: ${code(input.base)} -> ${code(input.head)}`,
    "",
    summaryLine(input.metrics),
    "",
    ...paramsSection(input.params),
    "",
    ...metricsSection(input.metrics),
    "",
    ...studySection(input.metrics),
    "",
    ...plotsSection(input),
  ].join("\n");
}

/** Attack and rate, then both accuracies, each base -> new. */
export function summaryLine(metrics: DvcDiff): string {
  const evaluate = metrics[EVALUATE_FILE] ?? {};
  const attack = change(evaluate.poison_method, "attack");
  const rate = change(evaluate.poison_rate, "rate");
  const accuracies = HEADLINE_KEYS.map((key) => `${HEADLINE_NAMES[key]} ${withDelta(evaluate[key])}`);
  return `**${attack}, ${rate}**: ${accuracies.join("; ")}.`;
}

function change(entry: DiffEntry | undefined, name: string): string {
  if (entry === undefined) return `${name} unknown`;
  if (same(entry)) return `${name} ${show(entry.new)} (unchanged)`;
  return `${name} ${show(entry.old)} -> ${show(entry.new)}`;
}

function withDelta(entry: DiffEntry | undefined): string {
  if (entry === undefined) return "not measured";
  const delta = numericDelta(entry);
  return `${fixed(entry.old)} -> ${fixed(entry.new)}${delta === undefined ? "" : ` (${signed(delta, 3)})`}`;
}

function paramsSection(params: DvcDiff): string[] {
  const rows = sortedEntries(params).map(({ file, key, entry }) => [
    code(file === "params.yaml" ? key : `${file}:${key}`),
    show(entry.old),
    show(entry.new),
  ]);
  if (rows.length === 0) return ["### Params", "", "No param changed."];
  return ["### Params changed", "", ...table(["param", "base", "new"], rows)];
}

/** Every metrics file but the studies' summaries: the accuracies first, then whatever else changed. */
function metricsSection(metrics: DvcDiff): string[] {
  const evaluate = metrics[EVALUATE_FILE] ?? {};
  const headline = HEADLINE_KEYS.filter((key) => evaluate[key] !== undefined).map((key) =>
    metricRow(`${HEADLINE_NAMES[key]} (${code(key)})`, evaluate[key] as DiffEntry),
  );
  const single = sortedEntries(metrics).filter(
    ({ file, key }) =>
      !(STUDY_SUMMARY_FILES as readonly string[]).includes(file) &&
      !(file === EVALUATE_FILE && (HEADLINE_KEYS as readonly string[]).includes(key)),
  );
  const changed = single.filter(({ entry }) => !same(entry));
  const rows = [...headline, ...changed.map(({ file, key, entry }) => metricRow(code(`${file}:${key}`), entry))];
  const unchanged = single.length - changed.length;
  return [
    "### Headline metrics",
    "",
    ...table(["metric", "base", "new", "change"], rows),
    ...(unchanged > 0 ? ["", `${unchanged} other single-run metrics unchanged.`] : []),
  ];
}

function studySection(metrics: DvcDiff): string[] {
  const lines = ["### Study summary", ""];
  for (const file of STUDY_SUMMARY_FILES) {
    const entries = sortedEntries({ [file]: metrics[file] ?? {} });
    const changed = entries.filter(({ entry }) => !same(entry));
    if (entries.length === 0) lines.push(`${code(file)}: not found at either revision.`, "");
    else if (changed.length === 0) lines.push(`${code(file)}: unchanged.`, "");
    else
      lines.push(
        ...table(
          [`${code(file)}`, "base", "new", "change"],
          changed.map(({ key, entry }) => metricRow(code(key), entry)),
        ),
        "",
      );
  }
  lines.pop();
  return lines;
}

function plotsSection(input: ReviewInput): string[] {
  if (input.plots.length === 0) return ["### Plots", "", "No plot's data changed."];
  const heading = ["### Changed plots", ""];
  if (input.plotsUrl !== undefined) {
    return [
      ...heading,
      `Drawn as SVG, base and new together (revisions differ by dash or column), in the artifact \`review\` of [this run](${input.plotsUrl}):`,
      "",
      ...input.plots.map((plot) => `- ${plot.title} (${code(plot.image)})`),
    ];
  }
  return [
    ...heading,
    "Base and new together: revisions differ by dash, or by column in a confusion matrix.",
    "",
    ...input.plots.flatMap((plot) => [`#### ${plot.title}`, "", `![${plot.title}](${plot.image})`, ""]),
  ].slice(0, -1);
}

function metricRow(name: string, entry: DiffEntry): string[] {
  const delta = numericDelta(entry);
  // Counts change by whole numbers; scores are written to 6 decimals.
  const digits = Number.isInteger(entry.old) && Number.isInteger(entry.new) ? 0 : 6;
  return [name, show(entry.old), show(entry.new), delta === undefined ? "" : signed(delta, digits)];
}

interface Keyed {
  file: string;
  key: string;
  entry: DiffEntry;
}

/** DVC's JSON lists keys in no fixed order: sort, so the same diff gives the same page. */
function sortedEntries(diff: DvcDiff): Keyed[] {
  return Object.keys(diff)
    .sort()
    .flatMap((file) =>
      Object.keys(diff[file] ?? {})
        .sort()
        .map((key) => ({ file, key, entry: (diff[file] as Record<string, DiffEntry>)[key] as DiffEntry })),
    );
}

function same(entry: DiffEntry): boolean {
  return JSON.stringify(entry.old) === JSON.stringify(entry.new);
}

function numericDelta(entry: DiffEntry): number | undefined {
  if (typeof entry.old !== "number" || typeof entry.new !== "number") return undefined;
  return Math.round((entry.new - entry.old) * 1e6) / 1e6;
}

function signed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return value > 0 ? `+${text}` : Number(text) === 0 ? (0).toFixed(digits) : text;
}

function fixed(value: unknown): string {
  return typeof value === "number" ? value.toFixed(3) : show(value);
}

/** A value as a table cell: absent on one side is a dash; text as code; lists as DVC prints them. */
function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return code(value);
  return escapeCell(String(value));
}

function code(text: string): string {
  return `\`${escapeCell(text.replaceAll("`", "'"))}\``;
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}
