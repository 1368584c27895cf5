/**
 * The code a stage runs and the deps that name it in dvc.yaml. A stage runs its bundle (build/<stage>.mjs, from
 * the build stage) through the launcher; the import closure of its sources (the files under stages/ that its
 * entrypoint loads) tells which worker scripts it starts, whose bundles it reads too.
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

/** The entrypoint a stage command runs: `node stages/run.mjs <name>` runs the bundle of stages/<name>.ts. */
export function stageEntrypoint(command: string): string | null {
  const launcher = command.match(/\bstages\/run\.mjs\s+([\w-]+)/);
  return launcher ? `stages/${launcher[1]}.ts` : null;
}

export interface StageDeps {
  stage: string;
  /** What the stage's deps should be: its code (launcher and bundles), then the other deps as listed, in order. */
  expected: string[];
  missing: string[];
  extra: string[];
}

const LAUNCHER = "stages/run.mjs";
const LOCKFILE = "package-lock.json";
const BUILD_DIR = "build";
/** Worker scripts the build stage bundles on their own (stages/build.mjs): a stage that starts one reads its bundle. */
const WORKER_BUNDLES: Readonly<Record<string, string>> = {
  "stages/shell/forest-worker.ts": `${BUILD_DIR}/forest-worker.mjs`,
};

/**
 * For every stage of a parsed dvc.yaml whose command runs `node stages/run.mjs <name>`: the deps it should list
 * (the launcher, its bundle build/<name>.mjs and the bundle of each worker script in its import closure, then its
 * other deps as they are) and what is missing or extra. The sources and package-lock.json (the npm packages a
 * bundle holds) are the build stage's deps, not the stage's. Other stages are left out.
 */
export function stageDeps(dvc: unknown, read: (path: string) => string | undefined): StageDeps[] {
  const stages = (dvc as { stages?: Record<string, { cmd?: unknown; deps?: unknown }> }).stages ?? {};
  return Object.entries(stages).flatMap(([stage, spec]) => {
    const entry = stageEntrypoint(String(spec.cmd ?? ""));
    if (entry === null) return [];
    const listed = Array.isArray(spec.deps) ? spec.deps.map(String) : [];
    const workers = importClosure(entry, read).flatMap((file) => WORKER_BUNDLES[file] ?? []);
    const code = [LAUNCHER, `${BUILD_DIR}/${posix.basename(entry, ".ts")}.mjs`, ...workers];
    const listedCode = listed.filter(isCodeDep);
    const missing = code.filter((dep) => !listedCode.includes(dep));
    const extra = listedCode.filter((dep) => !code.includes(dep));
    const others = listed.filter((dep) => !isCodeDep(dep));
    return [{ stage, expected: [...code, ...others], missing, extra }];
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

/** A dep naming code: the lockfile, sources under stages/, or bundles under build/ (so a stale one is reported). */
const isCodeDep = (dep: string) =>
  dep === LOCKFILE || ["stages", BUILD_DIR].some((dir) => dep === dir || dep.startsWith(`${dir}/`));

function nextIndex(lines: readonly string[], from: number, test: (line: string) => boolean): number {
  const index = lines.findIndex((line, i) => i >= from && test(line));
  return index < 0 ? lines.length : index;
}
