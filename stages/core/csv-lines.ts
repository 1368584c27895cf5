/**
 * The pipeline's CSV text without csv-parse and csv-stringify in the hot loop: a record is written exactly as
 * csv-stringify writes it with its defaults, and a line that needs no CSV rule but the comma is split
 * directly. csv-parse stays the reader of everything else (quotes, CR, whitespace a field would be trimmed of).
 */

const NEEDS_QUOTES = /[",\n\r]/;

/** A field as csv-stringify writes it by default: quoted when it holds a quote, comma, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A record as csv-stringify writes it by default: the fields joined by commas, then LF. */
export function csvLine(fields: readonly string[]): string {
  let line = "";
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += ",";
    line += csvField(fields[i] as string);
  }
  return `${line}\n`;
}

/**
 * Whether csv-parse's `trim` removes this UTF-16 code unit at a field's edge: the ECMAScript white space and
 * line terminators, the set String.prototype.trim removes (csv-parse 7 trims exactly these).
 */
export function isTrimmable(code: number): boolean {
  if (code > 0x20 && code < 0xa0) return false;
  return code <= 0x20 ? code === 0x20 || (code >= 0x09 && code <= 0x0d) : String.fromCharCode(code).trim() === "";
}

/**
 * The fields of one line (without its line break) of a file with no quote and no CR, when the comma is all
 * that separates them: no field starts or ends with white space that trimming would remove. Null when the
 * line needs csv-parse (blank lines included: csv-parse skips them).
 */
export function plainFields(line: string): string[] | null {
  if (line === "") return null;
  const fields = line.split(",");
  for (const field of fields) {
    if (field === "") continue;
    if (isTrimmable(field.charCodeAt(0)) || isTrimmable(field.charCodeAt(field.length - 1))) return null;
  }
  return fields;
}
