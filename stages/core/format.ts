/** Stable number and JSON formatting, so committed files and dvc.lock diff calmly. */

const DECIMALS = 6;

/** Rounds to 6 decimals; -0 becomes 0 so it prints the same everywhere. */
export function round6(value: number): number {
  const rounded = Number(value.toFixed(DECIMALS));
  return rounded === 0 ? 0 : rounded;
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
