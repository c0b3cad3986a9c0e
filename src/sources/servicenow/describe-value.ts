/** Longest piece of a string value quoted in an error message. */
const MAX_QUOTED = 40;

/**
 * A short, safe description of a JSON value from a source for an error message: its type, and for
 * strings, numbers and booleans the value itself, quoted, cut to 40 characters, with everything
 * outside printable ASCII escaped, so text from the instance cannot break or forge lines in logs
 * and terminals (chat renderers escape the rest where they render it).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length} element${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    if (value === "") return "an empty string";
    const more = value.length > MAX_QUOTED ? "…" : "";
    return `the string "${escapeText(value.slice(0, MAX_QUOTED))}${more}"`;
  }
  if (typeof value === "number") return `the number ${String(value)}`;
  if (typeof value === "boolean") return `the boolean ${String(value)}`;
  return `a ${typeof value}`;
}

/** Printable ASCII stays; quotes, backslashes, backticks and everything else become \uXXXX. */
function escapeText(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f && char !== '"' && char !== "\\" && char !== "`") out += char;
    else {
      for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
    }
  }
  return out;
}
