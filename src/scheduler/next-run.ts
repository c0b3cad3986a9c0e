import { cronMatcher } from "./previous-run.js";

/**
 * The first time after `now` when a cron expression fires, in `timeZone`, looking ahead at most
 * `lookaheadDays`; undefined if none. On warden's clock (node-cron's getNextRun reads the system
 * clock), for the first-start line that says when owners are first messaged.
 */
export function nextRun(
  expression: string,
  now: Date,
  timeZone?: string,
  lookaheadDays = 35,
): Date | undefined {
  const matches = cronMatcher(expression, timeZone);
  const start = Math.floor(now.getTime() / 60_000) * 60_000 + 60_000;
  for (let t = start; t < start + lookaheadDays * 86_400_000; t += 60_000) {
    if (matches(new Date(t))) return new Date(t);
  }
  return undefined;
}
