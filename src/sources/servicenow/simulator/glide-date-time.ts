/**
 * ServiceNow's database date/time format: "YYYY-MM-DD HH:mm:ss", always UTC, no zone designator.
 * Fixed width, so these strings sort and compare correctly as plain strings.
 */

const GLIDE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const dayCache = new Map<number, string>();
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

/**
 * Formats epoch milliseconds as a ServiceNow UTC date/time string. The date part is cached per
 * day because generators and the transaction log format millions of timestamps.
 */
export function formatGlideDateTime(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  const day = Math.floor(seconds / 86_400);
  let date = dayCache.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dayCache.size < 100_000) dayCache.set(day, date);
  }
  const s = seconds - day * 86_400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${date} ${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s % 60]}`;
}

/** Parses "YYYY-MM-DD HH:mm:ss" (UTC) to epoch milliseconds; undefined for any other shape. */
export function parseGlideDateTime(text: string): number | undefined {
  const m = GLIDE_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

/** Midnight UTC of the day containing `epochMs`. */
export function startOfUtcDay(epochMs: number): number {
  return Math.floor(epochMs / 86_400_000) * 86_400_000;
}

export const DAY_MS = 86_400_000;
