/**
 * What a CSV field means. A number is decimal notation only (`-1.5`, `2`, `.5`, `1e-3`): `0x10`, `0b1`,
 * `Infinity`, `NaN`, `.nan` or a NUL byte are not numbers, whatever JavaScript's Number() makes of them.
 * A missing value is an empty field, `NA` or `?`.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
export const MISSING_MARKERS = ["", "NA", "?"] as const;

export function isMissing(value: string): boolean {
  return value === "" || value === "NA" || value === "?";
}

/** The number a decimal field holds, or NaN when the field is not a finite decimal number. */
export function decimalValue(value: string): number {
  if (!DECIMAL.test(value)) return Number.NaN;
  const number = Number(value);
  return Number.isFinite(number) ? number : Number.NaN;
}

export function isDecimal(value: string): boolean {
  if (!DECIMAL.test(value)) return false;
  // Only an exponent or some 309 digits reach Infinity: a short number without one needs no conversion.
  return (value.length < 300 && !EXPONENT.test(value)) || Number.isFinite(Number(value));
}

const EXPONENT = /[eE]/;

const EXCERPT_LENGTH = 40;

/** A value quoted for a message: JSON-escaped (a NUL shows as \u0000) and cut to a short excerpt. */
export function excerpt(value: string): string {
  if (value.length <= EXCERPT_LENGTH) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, EXCERPT_LENGTH))}… (${value.length} characters)`;
}
