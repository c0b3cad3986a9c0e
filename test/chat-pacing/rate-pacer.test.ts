import { describe, expect, it } from "vitest";
import { busiestWindow } from "../../src/bench/fan-out/measure-calls.js";
import { createRatePacer, PacedLaterError, type PaceRule } from "../../src/chat-pacing/rate-pacer.js";
import { DEFAULT_TEAMS_PACING, TEAMS_LIMITS, teamsPaceRules } from "../../src/chat-pacing/teams-pacing.js";

/**
 * A pacer on a clock the test sets. `take` resolves at once (the sleep is recorded, not slept);
 * `times[key]` holds when each call would go (when it asked plus its wait).
 */
function pacedCalls() {
  let now = 0;
  const times: Record<string, number[]> = {};
  let lastWait = 0;
  const pacer = createRatePacer({
    clock: () => now,
    wallClock: () => now,
    sleep: async (ms) => {
      lastWait = ms;
    },
  });
  return {
    times,
    set: (ms: number) => {
      now = ms;
    },
    async call(rules: PaceRule[]) {
      lastWait = 0;
      const asked = now;
      await pacer.take(rules);
      for (const rule of rules) {
        const list = times[rule.key] ?? [];
        list.push(asked + lastWait);
        times[rule.key] = list;
      }
    },
  };
}

describe("rate pacer", () => {
  it("lets a burst up to the limit go at once, then each call once a slot has left the window", async () => {
    const waits: number[] = [];
    const pacer = createRatePacer({ clock: () => 0, sleep: async (ms) => void waits.push(ms) });
    const rule = [{ key: "slack:users.lookupByEmail", limits: [{ count: 3, windowMs: 1000 }] }];
    for (let i = 0; i < 7; i++) await pacer.take(rule);
    // Calls 1–3 go now, 4–6 once 1–3 left the window (plus a guard of a second, for calls late on
    // the wire), 7 once 4 did.
    expect(waits).toEqual([2000, 2000, 2000, 4000]);
  });

  it("never puts more calls in any window than a rule allows, with calls under two rules at once", async () => {
    const t = pacedCalls();
    const workspace = { key: "slack:chat.postMessage", limits: [{ count: 10, windowMs: 1000 }] };
    const channel = (c: number) => ({
      key: `slack:chat.postMessage:C${c}`,
      limits: [{ count: 2, windowMs: 1000 }],
    });
    // 90 posts to 3 channels, asked for in bursts of 30 while time passes.
    for (let i = 0; i < 90; i++) {
      t.set(Math.floor(i / 30) * 400);
      await t.call([workspace, channel(i % 3)]);
    }
    for (const [key, times] of Object.entries(t.times)) {
      const limit = key === workspace.key ? 10 : 2;
      expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(limit);
    }
    // The channels' 2 a second (each slot freed after 2 s with the guard) bind: 3 a second in all, not the
    // workspace's 10.
    expect(t.times[workspace.key]?.at(-1)).toBeGreaterThanOrEqual(28 * 1000);
    expect(t.times[workspace.key]?.at(-1)).toBeLessThan(31 * 1000);
  });

  it("keeps a Teams conversation under each of its four published windows, and the bot under its own", async () => {
    const t = pacedCalls();
    // 2000 sends into one conversation, asked for all at once: an hour's worth and more.
    for (let i = 0; i < 2000; i++) await t.call(teamsPaceRules(DEFAULT_TEAMS_PACING, "a:1"));
    const times = t.times["teams:conversation:a:1"] ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const limit of TEAMS_LIMITS.perConversation) {
      expect(busiestWindow(times, limit.windowMs)).toBeLessThanOrEqual(limit.count);
    }
    for (const limit of TEAMS_LIMITS.perBot) {
      expect(busiestWindow(t.times["teams:bot"] ?? [], limit.windowMs)).toBeLessThanOrEqual(limit.count);
    }
    // The hour's limit binds: 80% of 1800 in the first hour (plus its guard), the rest after it.
    const inFirstHour = times.filter((at) => at < 3_600_000).length;
    expect(inFirstHour).toBeLessThanOrEqual(1440);
    expect(inFirstHour).toBeGreaterThan(1300);
  });

  it("refuses a slot past the horizon without taking it, saying when to come back", async () => {
    const waits: number[] = [];
    const pacer = createRatePacer({
      clock: () => 0,
      wallClock: () => 5_000,
      sleep: async (ms) => void waits.push(ms),
    });
    const rule = [{ key: "slack:chat.update", limits: [{ count: 1, windowMs: 60_000 }] }];
    await pacer.take(rule, { horizonMs: 1_000 });
    const refused = await pacer.take(rule, { horizonMs: 1_000 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PacedLaterError);
    expect((refused as PacedLaterError).at).toEqual(new Date(5_000 + 66_000));
    // Nothing was taken: a patient caller gets that same slot, not the one after it.
    await pacer.take(rule);
    expect(waits).toEqual([66_000]);
  });
});
