import { isMap, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { StageError } from "./errors.ts";
import { excerpt } from "./excerpt.ts";

/** A number as a person writes it in decimal: 42, -0.5, .25, 1e-3. */
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Parses params.yaml and returns the plain value of one section, its numbers checked against their source
 * text: YAML 1.2 reads `0x10` as 16, `0o17` as 15 and `.nan`/`.inf` as NaN/Infinity, which would pass a
 * schema silently or print as `null`. Such a number is refused with its key and the text as written.
 */
export function readParamsSection(text: string, section: string, source: string): unknown {
  const document = parseDocument(text, { prettyErrors: false });
  const [error] = document.errors;
  if (error !== undefined) throw new StageError(`${source}: not valid YAML: ${excerpt(error.message, 200)}`);
  const node = document.get(section, true) as Node | undefined;
  const problems = nonDecimalNumbers(node, section, text);
  if (problems.length > 0) {
    const lines = problems.map(
      ({ key, raw }) => `  ✖ ${key} = ${excerpt(raw)}: write numbers in decimal (e.g. 16, 0.5, 1e-3)`,
    );
    throw new StageError(`Invalid params in ${source}:\n${lines.join("\n")}`);
  }
  const root = document.toJS({ maxAliasCount: 100 }) as unknown;
  return typeof root === "object" && root !== null && section in root
    ? (root as Record<string, unknown>)[section]
    : undefined;
}

/** Plain scalars read as numbers whose source is not decimal, with their dotted key. */
function nonDecimalNumbers(node: unknown, key: string, text: string): Array<{ key: string; raw: string }> {
  if (isScalar(node)) {
    const raw = node.range ? text.slice(node.range[0], node.range[1]) : String(node.source ?? "");
    return typeof node.value === "number" && !DECIMAL.test(raw.trim()) ? [{ key, raw }] : [];
  }
  if (isMap(node)) {
    return node.items.flatMap((pair) => {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      return nonDecimalNumbers(pair.value, `${key}.${name}`, text);
    });
  }
  if (isSeq(node)) return node.items.flatMap((item, index) => nonDecimalNumbers(item, `${key}[${index}]`, text));
  return [];
}
