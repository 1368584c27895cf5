/** The longest stretch of a bad value a message quotes: enough to recognise it, never megabytes of stderr. */
export const EXCERPT_LENGTH = 60;

/**
 * A short excerpt of a value for a message: its text (strings as they are, other values as JSON), cut to
 * `max` characters with "…" and the full length noted when longer, control characters escaped so one
 * excerpt stays on one line.
 */
export function excerpt(value: unknown, max: number = EXCERPT_LENGTH): string {
  const text = typeof value === "string" ? value : showValue(value);
  const oneLine = text.replace(/\p{Cc}/gu, (character) => JSON.stringify(character).slice(1, -1));
  if (oneLine.length <= max) return oneLine;
  return `${oneLine.slice(0, max)}… (${text.length} characters)`;
}

/** A value as a person reads it: JSON, except the numbers JSON cannot spell (NaN shows as NaN, not null). */
function showValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  try {
    return (
      JSON.stringify(value, (_, item) => (typeof item === "number" && !Number.isFinite(item) ? String(item) : item)) ??
      String(value)
    );
  } catch {
    return String(value);
  }
}
