import { WardenError } from "../errors.js";

/** At most `count` calls in any window of `windowMs` (a sliding window, as platforms count). */
export interface WindowLimit {
  count: number;
  windowMs: number;
}

/**
 * Calls do not reach the platform exactly when their slot starts (the network, a busy event loop):
 * a slot is freed a tenth of the window, and at least a second, after it left the window, so that
 * a call that arrives late does not fall into the same window as the next burst.
 */
const guardMs = (limit: WindowLimit): number => Math.max(1_000, limit.windowMs / 10);

/** One budget calls are paced against, e.g. one Slack method, one channel, or one Teams conversation. */
export interface PaceRule {
  key: string;
  limits: readonly WindowLimit[];
}

/**
 * The next slot under the pace is further away than the caller is willing to wait (the pacer's
 * `horizonMs`): nothing was sent and no slot was taken; try again at `at`.
 */
export class PacedLaterError extends WardenError {
  readonly at: Date;

  constructor(at: Date, key: string) {
    super("E_DELIVERY_PACED", `paced: the next slot for ${key} is at ${at.toISOString()}`);
    this.at = at;
  }
}

export interface TakeOptions {
  horizonMs?: number | undefined;
  /** The caller's time now (its clock may not be the wall clock), for PacedLaterError's date. */
  now?: Date | undefined;
}

export interface RatePacer {
  /**
   * Waits until one more call fits under every rule, and takes that slot in each. With `horizonMs`,
   * a slot further away than that is not taken: PacedLaterError says when to come back.
   */
  take(rules: readonly PaceRule[], options?: TakeOptions): Promise<void>;
}

export interface RatePacerOptions {
  /** Milliseconds on a monotonic clock (default performance.now). */
  clock?: () => number;
  /** The wall clock, for PacedLaterError's date (default Date.now). */
  wallClock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Paces calls so that they stay under the platform's published limits instead of running into 429s:
 * every rule keeps the times of the calls it let through (a sliding-window log), and a call goes
 * when one more fits in every window of every rule it is subject to. Slots are reserved before the
 * wait, so concurrent callers queue fairly, in the order they asked. A rule's slots are handed out
 * in increasing time, which keeps the check to "how many calls in the last window".
 * Slack counts per method and per workspace (https://docs.slack.dev/apis/web-api/rate-limits);
 * Teams per bot per conversation and per app (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit).
 */
export function createRatePacer(options: RatePacerOptions = {}): RatePacer {
  const clock = options.clock ?? (() => performance.now());
  const wallClock = options.wallClock ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  /** Per rule key: the times of the slots handed out, oldest first (kept for the longest window). */
  const logs = new Map<string, number[]>();

  /** The earliest time ≥ `from` at which one more call fits under `rule`. */
  const earliest = (rule: PaceRule, from: number): number => {
    const log = logs.get(rule.key) ?? [];
    let at = Math.max(from, log.at(-1) ?? from);
    for (const limit of rule.limits) {
      if (limit.count < 1) continue;
      // The call at `at` fits when fewer than `count` slots lie in (at - window, at]; else it waits
      // until the count-th most recent slot leaves the window.
      const nth = log.length - limit.count;
      if (nth >= 0) {
        const leaves = (log[nth] ?? 0) + limit.windowMs + guardMs(limit);
        if (leaves > at) at = leaves;
      }
    }
    return at;
  };

  const prune = (key: string, log: number[], now: number, rules: readonly PaceRule[]) => {
    const longest = Math.max(
      0,
      ...rules.filter((r) => r.key === key).flatMap((r) => r.limits.map((l) => l.windowMs + guardMs(l))),
    );
    const keep = log.findIndex((t) => t > now - longest);
    if (keep > 0) log.splice(0, keep);
    else if (keep === -1) log.length = 0;
  };

  return {
    async take(rules, takeOptions = {}) {
      if (rules.length === 0) return;
      const now = clock();
      for (const rule of rules) {
        const log = logs.get(rule.key);
        if (log) prune(rule.key, log, now, rules);
      }
      // Each rule's earliest slot only moves later as `from` does, so the latest of them fits all.
      let at = now;
      for (const rule of rules) at = Math.max(at, earliest(rule, at));
      for (const rule of rules) at = Math.max(at, earliest(rule, at));
      const wait = at - now;
      const horizon = takeOptions.horizonMs;
      if (horizon !== undefined && wait > horizon) {
        const slowest = rules.reduce((a, b) => (earliest(b, now) > earliest(a, now) ? b : a));
        const from = takeOptions.now?.getTime() ?? wallClock();
        throw new PacedLaterError(new Date(from + wait), slowest.key);
      }
      for (const rule of rules) {
        const log = logs.get(rule.key) ?? [];
        log.push(at);
        logs.set(rule.key, log);
      }
      if (wait > 0) await sleep(wait);
    },
  };
}
