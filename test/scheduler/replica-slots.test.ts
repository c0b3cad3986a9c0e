import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { createScheduler, type Job, SLOT_LEASE_MS } from "../../src/scheduler/create-scheduler.js";
import { createSlotLedger } from "../../src/scheduler/create-slot-ledger.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const START = new Date("2026-11-25T10:30:00Z");

/** A job that records which replica ran it, and can be held mid-run until `release`. */
function recordingJob(replica: string, runs: string[], hold?: Promise<void>, onStart?: () => void): Job {
  return {
    name: "scan",
    cron: "0 2 * * *",
    lastRunAt: async () => undefined,
    run: async () => {
      runs.push(replica);
      onStart?.();
      await hold;
    },
  };
}

describe.each(STORE_BACKENDS)("scheduled jobs on two replicas sharing $name", (backend) => {
  let database: BackendDatabase | undefined;
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await database?.close();
    database = undefined;
  });

  let clock = START.getTime();
  const now = () => new Date(clock);

  async function replicas(jobs: (replica: string) => Job) {
    clock = START.getTime();
    database = await backend.database();
    const stores: Store[] = [await database.connect(), await database.connect()];
    return stores.map((store, i) => {
      const scheduler = createScheduler([jobs(`replica-${i}`)], {
        timeZone: "UTC",
        now,
        logger: silentLogger,
        slots: createSlotLedger(store, now),
      });
      stops.push(() => scheduler.stop());
      return scheduler;
    });
  }

  it("runs a missed slot once when both replicas catch up at the same moment", async () => {
    const runs: string[] = [];
    const [a, b] = await replicas((replica) => recordingJob(replica, runs));
    if (!a || !b) throw new Error("two replicas");
    const [ranOnA, ranOnB] = await Promise.all([a.catchUp(), b.catchUp()]);
    expect(runs).toHaveLength(1);
    expect([...(ranOnA ?? []), ...(ranOnB ?? [])]).toEqual(["scan"]);
    // Started again later, neither runs that slot again.
    expect([...(await a.catchUp()), ...(await b.catchUp())]).toEqual([]);
    expect(runs).toHaveLength(1);
  });

  it("hands a run over to the other replica when its holder dies mid-run, and only once", async () => {
    const runs: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let begun = () => {};
    const started = new Promise<void>((resolve) => {
      begun = resolve;
    });
    const [a, b] = await replicas((replica) =>
      recordingJob(replica, runs, replica === "replica-0" ? held : undefined, begun),
    );
    if (!a || !b) throw new Error("two replicas");
    // Replica 0 claims the missed slot and hangs in it; replica 1 finds it taken.
    const first = a.catchUp();
    await started;
    expect(runs).toEqual(["replica-0"]);
    expect(await b.catchUp()).toEqual([]);
    // While the holder's claim is fresh nobody takes it over.
    clock += SLOT_LEASE_MS - 1_000;
    expect(await b.sweep()).toEqual([]);
    // Replica 0 dies: its renewals stop. Once its lease runs out, replica 1 takes the run over.
    await a.stop();
    clock += 2_000;
    expect(await b.sweep()).toEqual(["scan"]);
    expect(runs).toEqual(["replica-0", "replica-1"]);
    // Finished by replica 1: nobody runs it a third time, not even the old holder coming back.
    expect(await b.sweep()).toEqual([]);
    release();
    await first;
    clock += SLOT_LEASE_MS * 2;
    expect(await a.sweep()).toEqual([]);
    expect(runs).toEqual(["replica-0", "replica-1"]);
  });
});
