import type { RowsNeededRow } from "../study/results.ts";
import { fixed, markdownTable, percent } from "./numbers.ts";

function rowsText(row: RowsNeededRow): string {
  const rows = Math.round(row.needed.rows);
  switch (row.needed.bound) {
    case "at_most":
      return `≤ ${rows}`;
    case "more_than":
      return `> ${rows}`;
    case "interpolated":
      return `≈ ${rows}`;
    default: {
      const unreachable: never = row.needed.bound;
      return unreachable;
    }
  }
}

function multiplierText(row: RowsNeededRow): string {
  const value = `${fixed(row.multiplier, 1)}x`;
  switch (row.multiplier_bound) {
    case "about":
      return `≈ ${value}`;
    case "at_least":
      return `≥ ${value}`;
    case "at_most":
      return `≤ ${value}`;
    case "unknown":
      return "unknown";
    default: {
      const unreachable: never = row.multiplier_bound;
      return unreachable;
    }
  }
}

/** The quantity-versus-quality table: rows needed per rate and source, beside the textbook multiplier. */
export function quantityTable(sources: Record<string, RowsNeededRow[]>): string {
  const names = Object.keys(sources);
  const rates = [...new Set(names.flatMap((name) => (sources[name] ?? []).map((row) => row.rate)))].sort(
    (a, b) => a - b,
  );
  const header = [
    "label_flip rate",
    "textbook 1/(1 - ηK/(K-1))²",
    ...names.flatMap((name) => [`${name}: rows needed`, `${name}: multiplier`]),
  ];
  const rows = rates.map((rate) => {
    const any = names.map((name) => sources[name]?.find((row) => row.rate === rate)).find((row) => row !== undefined);
    const textbook = any?.textbook ?? null;
    return [
      percent(rate),
      textbook === null ? "unbounded" : `${fixed(textbook, 2)}x`,
      ...names.flatMap((name) => {
        const row = sources[name]?.find((candidate) => candidate.rate === rate);
        return row ? [rowsText(row), multiplierText(row)] : ["", ""];
      }),
    ];
  });
  return markdownTable(header, rows);
}

/** Measured against textbook: "close to" within a factor of 1.5 either way; otherwise above or below it. */
export function compareWithTextbook(row: RowsNeededRow): string {
  if (row.textbook === null) return "the textbook estimate is unbounded";
  if (row.multiplier_bound === "unknown") return "the curve does not bound the multiplier";
  const ratio = row.multiplier / row.textbook;
  if (row.multiplier_bound === "at_least" && ratio > 1.5) return "more than the textbook estimate";
  if (row.multiplier_bound === "at_most" && ratio < 1 / 1.5) return "less than the textbook estimate";
  if (row.multiplier_bound !== "about") return "a bound that does not settle the comparison with the textbook estimate";
  if (ratio > 1.5) return "more than the textbook estimate";
  if (ratio < 1 / 1.5) return "less than the textbook estimate";
  return "close to the textbook estimate";
}

/** One sentence per source: how the multiplier grows with the rate and how it compares with the estimate. */
export function quantityReading(sources: Record<string, RowsNeededRow[]>, target: number): string {
  return Object.entries(sources)
    .map(([name, rows]) => {
      const attacked = rows.filter((row) => row.rate > 0);
      const phrases = attacked.map(
        (row) =>
          `${percent(row.rate)}: ${multiplierText(row)} (${compareWithTextbook(row)}, ${fixed(row.textbook ?? Number.NaN, 2)}x)`,
      );
      const unreached = attacked.filter((row) => row.needed.bound === "more_than").map((row) => percent(row.rate));
      const tail = unreached.length
        ? ` At ${unreached.join(", ")} the curve never reaches ${fixed(target, 2)} within the rows measured.`
        : "";
      return `- **${name}**: rows needed to reach ${fixed(target, 2)} accuracy, relative to clean data: ${phrases.join("; ")}.${tail}`;
    })
    .join("\n");
}
