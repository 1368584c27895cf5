/**
 * The rule that stages/core is pure, as a check: no file system, process, clock or Math.random. Biome's
 * overrides for stages/core catch imports of Node's modules and the process, Date and performance globals;
 * this scan also catches Math.random and dynamic loading, which no lint rule forbids.
 */
export const FORBIDDEN_IN_CORE: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /\bMath\.random\b/, why: "randomness comes from a seeded rng (stages/core/rng.ts)" },
  { pattern: /\bDate\.now\b|\bnew Date\b/, why: "no clock in the core" },
  { pattern: /\bperformance\.now\b/, why: "no clock in the core" },
  { pattern: /\bprocess\./, why: "the shell reads env and argv and passes values in" },
  { pattern: /\bglobalThis\b/, why: "no hidden global state" },
  { pattern: /\brequire\(|\bimport\(/, why: "static imports only, so the import closure is what dvc.yaml lists" },
  {
    pattern: /from "(node:[^"]*|(fs|path|os|child_process|worker_threads)(\/[^"]*)?)"/,
    why: "no Node module in the core",
  },
];

export interface Violation {
  line: number;
  text: string;
  why: string;
}

/** Drops // and /* comments so that prose such as "the process." is not a finding; string contents stay. */
function withoutComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** Every line of one core source file that breaks the purity rule. */
export function purityViolations(source: string): Violation[] {
  return withoutComments(source)
    .split("\n")
    .flatMap((text, index) =>
      FORBIDDEN_IN_CORE.filter(({ pattern }) => pattern.test(text)).map(({ why }) => ({
        line: index + 1,
        text: text.trim(),
        why,
      })),
    );
}
