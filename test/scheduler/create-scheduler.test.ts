import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { createScheduler, type Job } from "../../src/scheduler/create-scheduler.js";

const now = new Date("2026-11-25T10:30:00Z");

function job(name: string, cron: string, lastRunAt: Date | undefined, runs: string[]): Job {
  return { name, cron, lastRunAt: async () => lastRunAt, run: async () => void runs.push(name) };
}

describe("createScheduler", () => {
  it("catches up, once, only the jobs whose latest slot passed while warden was down", async () => {
    const runs: string[] = [];
    const scheduler = createScheduler(
      [
        // Last scan two days ago: today's 02:00 was missed (and yesterday's): one run.
        job("scan", "0 2 * * *", new Date("2026-11-23T02:00:05Z"), runs),
        // The digest ran after Monday's 09:00 slot: nothing to catch up.
        job("digest", "0 9 * * 1", new Date("2026-11-23T09:00:10Z"), runs),
        // Never ran at all: runs once.
        job("reminders", "0 8 * * *", undefined, runs),
      ],
      { timeZone: "UTC", now: () => now, logger: silentLogger },
    );
    expect(await scheduler.catchUp()).toEqual(["scan", "reminders"]);
    expect(runs).toEqual(["scan", "reminders"]);
    await scheduler.stop();
  });

  it("keeps going when a job fails", async () => {
    const runs: string[] = [];
    const failing: Job = {
      name: "scan",
      cron: "0 2 * * *",
      lastRunAt: async () => undefined,
      run: async () => Promise.reject(new Error("boom")),
    };
    const scheduler = createScheduler([failing, job("digest", "0 9 * * 1", undefined, runs)], {
      timeZone: undefined,
      now: () => now,
      logger: silentLogger,
    });
    expect(await scheduler.catchUp()).toEqual(["scan", "digest"]);
    expect(runs).toEqual(["digest"]);
    await scheduler.stop();
  });
});
