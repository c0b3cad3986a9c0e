/**
 * Parsers for Table API values. With `sysparm_display_value=false` every scalar arrives as a JSON
 * string (`"true"`, `"42"`, `""`), references as `{link,value}` or a plain sys_id, and date/times
 * as `"YYYY-MM-DD HH:mm:ss"` in UTC with no zone designator. These helpers turn them into
 * JavaScript values without ever trusting the process time zone.
 */

/** `{value: ...}` (display_value=all, references) unwrapped to its database value. */
function unwrap(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "value" in value) {
    return (value as { value: unknown }).value;
  }
  return value;
}

/**
 * A ServiceNow boolean: `"true"`/`"false"`, `"1"`/`"0"` (server-side getValue), or a real
 * boolean. Empty, missing or unrecognised values give `fallback` (undefined unless given), so a
 * field hidden by an ACL is not mistaken for `false`.
 */
export function parseBool(value: unknown, fallback?: boolean): boolean | undefined {
  const v = unwrap(value);
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v === 1 ? true : v === 0 ? false : fallback;
  if (typeof v !== "string") return fallback;
  switch (v.trim().toLowerCase()) {
    case "true":
    case "1":
      return true;
    case "false":
    case "0":
      return false;
    default:
      return fallback;
  }
}

/** An integer sent as a string (`"42"`, `"-3"`); `""`, missing or non-integers give undefined. */
export function parseInteger(value: unknown): number | undefined {
  const v = unwrap(value);
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  if (!/^[-+]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?)?$/;

/**
 * A database date/time (`"YYYY-MM-DD HH:mm:ss"`) or date (`"YYYY-MM-DD"`), read as **UTC**:
 * database values are UTC and carry no zone, so `new Date(s)` (local time) would be wrong on
 * any host not running in UTC. Impossible dates (Feb 30) and anything else give undefined.
 */
export function parseDateTime(value: unknown): Date | undefined {
  const v = unwrap(value);
  if (typeof v !== "string") return undefined;
  const m = DATE_TIME.exec(v.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) =>
    part === undefined ? 0 : Number(part),
  ) as [number, number, number, number, number, number];
  const date = new Date(0);
  // setUTCFullYear rather than Date.UTC, which maps years 0-99 onto 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Date normalises overflow (Feb 30 → Mar 2); reject instead of guessing.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return date;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * `"YYYY-MM-DD HH:mm:ss"` in UTC, the form a literal date must take inside `sysparm_query`
 * (plain date/times in web-service queries are read as UTC). Milliseconds are dropped.
 */
export function formatDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("formatDateTime: invalid Date");
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`formatDateTime: year ${year} is out of range`);
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/**
 * The sys_id of a reference field in any of its shapes: a plain string (exclude_reference_link),
 * `{link,value}` (default) or `{value,display_value}` (display_value=all). Empty → undefined.
 */
export function refValue(value: unknown): string | undefined {
  const v = unwrap(value);
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  return s === "" ? undefined : s;
}

/** Any scalar as a trimmed string; `""`, null, objects without a value → undefined. */
export function str(value: unknown): string | undefined {
  const v = unwrap(value);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  return s === "" ? undefined : s;
}
