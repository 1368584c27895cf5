/** Stable number and JSON formatting, so committed files and dvc.lock diff calmly. */

const DECIMALS = 6;

/** Rounds to 6 decimals; -0 becomes 0 so it prints the same everywhere. */
export function round6(value: number): number {
  const rounded = Number(value.toFixed(DECIMALS));
  return rounded === 0 ? 0 : rounded;
}

/**
 * String(round6(value)) without its cost: toFixed's digits with the trailing zeros cut are the shortest
 * decimal of the rounded number when it has at most 15 significant digits (below 1e9 with 6 decimals: no
 * other decimal that short reads back as the same double), and String writes exactly that shortest decimal.
 * Larger magnitudes take the long way. The pipeline's CSV files write their numbers so.
 */
export function round6Text(value: number): string {
  if (!(Math.abs(value) < 1e9)) return String(round6(value));
  const fixed = value.toFixed(DECIMALS);
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48) end--; // "0"; toFixed always writes a point, so this stops there
  if (fixed.charCodeAt(end - 1) === 46) end--; // "."
  const text = fixed.slice(0, end);
  return text === "-0" ? "0" : text;
}

/** Rounds every number in a JSON-like value to 6 decimals. */
export function roundDeep<T>(value: T): T {
  if (typeof value === "number") return round6(value) as T;
  if (Array.isArray(value)) return value.map((item) => roundDeep(item)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = roundDeep(item);
    return out as T;
  }
  return value;
}

/**
 * Pretty JSON with numbers rounded to 6 decimals and a trailing newline: the format of every metrics,
 * plot and manifest file. Objects are serialised first so their toJSON() is honoured.
 */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(roundDeep(JSON.parse(JSON.stringify(value))), null, 2)}\n`;
}
