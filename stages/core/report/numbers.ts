/** How numbers read in the report: fixed decimals, rates as percentages, intervals in brackets. */
import type { Summary } from "../study/statistics.ts";

export const fixed = (value: number, digits = 3): string => value.toFixed(digits);

/** 0.05 -> "5 %", 0.125 -> "12.5 %". */
export const percent = (rate: number): string => `${Number((rate * 100).toFixed(1))} %`;

/** "0.950 [0.937, 0.963]": the mean and its 95 % interval. */
export const withInterval = (summary: Summary): string =>
  `${fixed(summary.mean)} [${fixed(summary.ci95[0])}, ${fixed(summary.ci95[1])}]`;

/** "label_flip-5pct": an attack at a rate, as the original project named its runs (MLflow run names start with it). */
export const poisoningName = (method: string, rate: number): string =>
  `${method}-${Number((rate * 100).toFixed(4))}pct`;

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
