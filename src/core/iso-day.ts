/** One day in milliseconds (UTC days: warden's dates are UTC). */
export const DAY_MS = 86_400_000;

/** The UTC calendar day of a date, as evidence and summaries print it: "2026-11-23". */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`, rounded down. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}
