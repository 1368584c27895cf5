/**
 * The code a stage runs: the files under stages/ that its entrypoint loads, directly or through other files.
 * Pure: file contents come from the `read` callback, so the rules can be tested on strings.
 */
import { posix } from "node:path";

/**
 * What counts as loading a file: static `import ... from` / `export ... from` / `import "..."` (not
 * `import type`, which tsx erases), dynamic `import("...")`, and `new URL("...", import.meta.url)`, the way a
 * file names a worker script it starts. Only relative specifiers: packages are pinned by package-lock.json.
 */
const LOADS = [
  /^\s*import\s+(?!type\s)[^;]*?\bfrom\s*["']([^"']+)["']/gm,
  /^\s*export\s+(?!type\s)[^;]*?\bfrom\s*["']([^"']+)["']/gm,
  /^\s*import\s*["']([^"']+)["']/gm,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  /\bnew\s+URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/g,
];

// Whole-line comments only: a "//" inside a string (a URL) must not cut a line short.
const COMMENTS = [/^\s*\/\*[\s\S]*?\*\//gm, /^\s*\/\/.*$/gm];

/** The relative specifiers a source file loads, in order of appearance per rule, without duplicates. */
export function relativeLoads(source: string): string[] {
  const code = COMMENTS.reduce((text, comment) => text.replace(comment, ""), source);
  const found = LOADS.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1] as string));
  return [...new Set(found.filter((specifier) => specifier.startsWith("./") || specifier.startsWith("../")))];
}

/**
 * Every file `entry` loads, itself included, as repository-relative posix paths, sorted. `read` returns a
 * file's text, or undefined when it does not exist (then the importing file and specifier are named).
 */
export function importClosure(entry: string, read: (path: string) => string | undefined): string[] {
  const seen = new Set<string>();
  const pending: Array<{ path: string; from: string | null }> = [{ path: posix.normalize(entry), from: null }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next.path)) continue;
    const source = read(next.path);
    if (source === undefined) {
      throw new Error(`${next.path} does not exist${next.from ? ` (loaded by ${next.from})` : ""}`);
    }
    seen.add(next.path);
    for (const specifier of relativeLoads(source)) {
      pending.push({ path: posix.join(posix.dirname(next.path), specifier), from: next.path });
    }
  }
  return [...seen].sort();
}

export interface DepsMismatch {
  stage: string;
  missing: string[];
  extra: string[];
}

/**
 * Compares a stage's code deps in dvc.yaml (its deps under `codeRoot`) with the import closure of its
 * entrypoint. A directory listed as a dep is reported as extra: deps must name files, so that an edit re-runs
 * only the stages that load the edited file.
 */
export function compareDeps(stage: string, listed: readonly string[], closure: readonly string[], codeRoot: string) {
  const code = listed.filter((dep) => dep === codeRoot || dep.startsWith(`${codeRoot}/`));
  const missing = closure.filter((file) => file.startsWith(`${codeRoot}/`) && !code.includes(file));
  const extra = code.filter((dep) => !closure.includes(dep));
  return { stage, missing, extra } satisfies DepsMismatch;
}

/** The entrypoint a stage command runs: `node stages/run.mjs <name>` runs stages/<name>.ts. */
export function stageEntrypoint(command: string): string | null {
  const launcher = command.match(/\bstages\/run\.mjs\s+([\w-]+)/);
  if (launcher) return `stages/${launcher[1]}.ts`;
  const direct = command.match(/\b(stages\/[\w/-]+\.ts)\b/);
  return direct ? (direct[1] as string) : null;
}

export interface StageDeps {
  stage: string;
  /** What the stage's deps should be: its code (the closure), then the other deps as listed, in order. */
  expected: string[];
  missing: string[];
  extra: string[];
}

const LAUNCHER = "stages/run.mjs";
const LOCKFILE = "package-lock.json";

/**
 * For every stage of a parsed dvc.yaml whose command runs a file under stages/: the deps it should list (its
 * import closure, the launcher when it runs through it, package-lock.json, then its other deps as they are)
 * and what is missing or extra. Stages that run no TypeScript are left out.
 */
export function stageDeps(dvc: unknown, read: (path: string) => string | undefined): StageDeps[] {
  const stages = (dvc as { stages?: Record<string, { cmd?: unknown; deps?: unknown }> }).stages ?? {};
  return Object.entries(stages).flatMap(([stage, spec]) => {
    const entry = stageEntrypoint(String(spec.cmd ?? ""));
    if (entry === null) return [];
    const listed = Array.isArray(spec.deps) ? spec.deps.map(String) : [];
    const code = [...(String(spec.cmd).includes(LAUNCHER) ? [LAUNCHER] : []), ...importClosure(entry, read)];
    const { missing, extra } = compareDeps(stage, listed, [...code, LOCKFILE], "stages");
    if (!listed.includes(LOCKFILE)) missing.push(LOCKFILE);
    const others = listed.filter((dep) => dep !== LOCKFILE && !dep.startsWith("stages/") && dep !== "stages");
    return [{ stage, expected: [...code, LOCKFILE, ...others], missing: [...new Set(missing)], extra }];
  });
}

/**
 * dvc.yaml's text with each reported stage's code deps (the entries under stages/ and package-lock.json)
 * replaced by the expected ones; its other deps, their comments and the rest of the file are kept as they are.
 * Works on the text rather than a YAML round trip, which would move comments and restyle flow lists.
 */
export function rewriteDeps(text: string, report: readonly StageDeps[]): string {
  const lines = text.split("\n");
  for (const { stage, expected } of report) {
    const start = lines.indexOf(`  ${stage}:`);
    const end = nextIndex(lines, start + 1, (line) => /^ {0,2}\S/.test(line));
    const deps = nextIndex(lines, start + 1, (line) => line === "    deps:");
    if (start < 0 || deps >= end) throw new Error(`dvc.yaml: no "deps:" block found for stage ${stage}`);
    const last = nextIndex(lines, deps + 1, (line) => !line.startsWith("      - ")) - 1;
    const kept = lines.slice(deps + 1, last + 1).filter((line) => !isCodeDep(line.slice("      - ".length)));
    const code = expected.filter(isCodeDep).map((dep) => `      - ${dep}`);
    lines.splice(deps + 1, last - deps, ...code, ...kept);
  }
  return lines.join("\n");
}

const isCodeDep = (dep: string) => dep === LOCKFILE || dep === "stages" || dep.startsWith("stages/");

function nextIndex(lines: readonly string[], from: number, test: (line: string) => boolean): number {
  const index = lines.findIndex((line, i) => i >= from && test(line));
  return index < 0 ? lines.length : index;
}
