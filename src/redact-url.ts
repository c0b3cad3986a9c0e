/** What stands in for a user name and password taken out of a URL. */
export const REDACTED = "[redacted]";

/**
 * The authority's user info, as WHATWG URL parsing finds it: after `scheme://`, up to the last `@`
 * before the first `/`, `?`, `#` or `\` (https://url.spec.whatwg.org/#authority-state). Quotes,
 * `<`, `>` and white space end it too, so that inside a JSON log line or a sentence the match never
 * runs on into the next field.
 */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#\\"'<>]*@/gi;

/**
 * A URL fit to print: any user name and password (`https://user:pass@host`) replaced by
 * `[redacted]`; a URL without them comes back exactly as given. Text that does not
 * parse as a URL loses everything up to its last `@` (after a `scheme://`, if any): a malformed
 * value may still carry a password, and saying too little is the safe side.
 * Every URL warden prints (configuration errors, doctor, scan summaries, logs) goes through here.
 */
export function redactUrl(raw: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined && raw.includes("//")) {
    // A URL nested in the query (`?next=https://u:p@…`) is caught as in free text.
    if (parsed.username === "" && parsed.password === "") return redactUrlsIn(raw);
    // Rebuilt from the parsed parts, not cut from the text: the parser drops tabs and newlines,
    // so the text's user info may be spelt differently from what the parser saw.
    const rest = redactUrlsIn(`${parsed.pathname}${parsed.search}${parsed.hash}`);
    return `${parsed.protocol}//${REDACTED}@${parsed.host}${rest}`;
  }
  const at = raw.lastIndexOf("@");
  if (at < 0) return raw;
  const scheme = raw.indexOf("://");
  const start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
  return `${raw.slice(0, start)}${REDACTED}${raw.slice(at)}`;
}

/**
 * Free text (an error message, a log line) with the user info of every `scheme://user:pass@host`
 * in it replaced by `[redacted]`. The last line of defence for text warden did not build itself.
 */
export function redactUrlsIn(text: string): string {
  return text.includes("@") ? text.replace(USER_INFO, `$1${REDACTED}@`) : text;
}

/** Whether a URL carries a user name or password before its host. */
export function hasUserInfo(raw: string): boolean {
  try {
    const parsed = new URL(raw);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false;
  }
}
