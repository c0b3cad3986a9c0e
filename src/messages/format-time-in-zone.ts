import { formatDay, formatTime } from "./format-text.js";

/**
 * Whether `name` is a time zone this Node knows (an IANA name such as "Europe/Berlin"): a client's
 * report is data, and an unknown name would make Intl throw a RangeError.
 */
export function isTimeZone(name: unknown): name is string {
  if (typeof name !== "string" || name === "" || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The moment's calendar fields in `timeZone` (a 24-hour clock). */
function partsIn(date: Date, timeZone: string): Record<string, string> {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

/**
 * "2026-11-23 03:00 Europe/Berlin": a time in the reader's zone, named so it cannot be misread;
 * without a zone (none known for the reader) "2026-11-23 02:00 UTC", as formatTime writes it.
 */
export function formatTimeIn(date: Date | undefined, timeZone: string | undefined): string {
  if (!date || !timeZone || timeZone === "UTC" || !isTimeZone(timeZone)) return formatTime(date);
  const p = partsIn(date, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${timeZone}`;
}

/** "2026-11-23": the day in the reader's zone (formatDay's UTC day without one). */
export function formatDayIn(date: Date | undefined, timeZone: string | undefined): string {
  if (!date || !timeZone || timeZone === "UTC" || !isTimeZone(timeZone)) return formatDay(date);
  const p = partsIn(date, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}
