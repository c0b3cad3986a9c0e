import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Repository } from "../store/store.js";
import { SLOT_LEASE_MS, type SlotLedger } from "./create-scheduler.js";

/**
 * This process's claims on the database's schedule slots (store.schedule): with replicas on one
 * database, each slot runs on one of them. Claims are timed by warden's clock.
 */
export function createSlotLedger(store: { schedule: Repository<"schedule"> }, now: () => Date): SlotLedger {
  // Host and process say in the table which replica holds a run; the random part keeps apart two
  // processes that share both (containers, where every process is pid 1 of its pod).
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const { schedule } = store;
  return {
    claim: (run) => schedule.claimJobSlot({ ...run, holder, at: now(), leaseMs: SLOT_LEASE_MS }),
    renew: (run) => schedule.renewJobSlot({ ...run, holder, at: now(), leaseMs: SLOT_LEASE_MS }),
    finish: async (run) => void (await schedule.finishJobSlot({ ...run, holder, at: now() })),
    abandoned: () => schedule.listAbandonedJobSlots(now()),
  };
}
