import { afterEach, describe, expect, it } from "vitest";
import type { OwnerMessageView } from "../../src/messages/build-owner-messages.js";
import { type OutboxRow, toItem } from "../../src/store/outbox.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";
import { ownerAccount, ownerPayload, seeder } from "./seed-outbox-backends.js";

const NOW = new Date("2026-12-01T09:00:00.000Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const BEFORE = daysAgo(400);

/** The owner message view a raw outbox row holds (undefined: another kind, or unreadable). */
function ownerViewOf(row: OutboxRow | undefined): OwnerMessageView | undefined {
  const message = row && toItem(row).message;
  return message?.kind === "owner_message" ? message.view : undefined;
}

describe.each(STORE_BACKENDS)("message retention on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });
  async function open(): Promise<{
    store: Store;
    other: Store;
    db: BackendDatabase;
    seed: ReturnType<typeof seeder>;
  }> {
    database = await backend.database();
    const store = await database.connect();
    const other = await database.connect();
    return { store, other, db: database, seed: seeder(database) };
  }
  const ids = async (db: BackendDatabase, table = "outbox", column = "id") =>
    (await db.sql<Record<string, number>>(`SELECT ${column} AS id FROM ${table} ORDER BY ${column}`)).map(
      (row) => row.id,
    );

  it("prunes old sent and failed messages with their accounts, keeps waiting ones and those a pending decision will update, and tells a pruned id from an unknown one", async () => {
    const { store, db, seed } = await open();
    const sentOld = await seed.message({ sentAt: daysAgo(500) });
    const sentOlder = await seed.message({ sentAt: daysAgo(600) });
    const sentRecent = await seed.message({ sentAt: daysAgo(10) });
    const failedOld = await seed.message({
      status: "failed",
      createdAt: daysAgo(700),
      lastAttemptAt: daysAgo(450),
    });
    const failedNeverTried = await seed.message({
      status: "failed",
      createdAt: daysAgo(450),
      lastAttemptAt: null,
    });
    const failedRetriedLately = await seed.message({
      status: "failed",
      createdAt: daysAgo(700),
      lastAttemptAt: daysAgo(5),
    });
    const pendingOld = await seed.message({ status: "pending", createdAt: daysAgo(700) });
    const sendingOld = await seed.message({ status: "sending", createdAt: daysAgo(700) });
    const unknownOld = await seed.message({ status: "unknown", createdAt: daysAgo(700) });
    const inDecision = await seed.message({ sentAt: daysAgo(500) });
    const decidedBefore = await seed.message({ sentAt: daysAgo(500) });
    const newest = await seed.message({ sentAt: daysAgo(1) });
    await seed.decision("a1", "pending", inDecision);
    await seed.decision("a2", "applied", decidedBefore);
    for (const id of [sentOld, sentOlder, sentRecent, failedOld, inDecision]) {
      await seed.accounts(id, [{ source: "servicenow", accountId: "a1" }]);
    }
    await seed.followUp(sentOld, "reminder", daysAgo(490));

    expect(await store.outbox.prunedMessage(sentOld)).toBe(false);
    // One at a time, the oldest sent first.
    expect(await store.retention.pruneMessages(BEFORE, 1)).toBe(1);
    expect(await ids(db)).not.toContain(sentOlder);
    expect(await store.retention.pruneMessages(BEFORE, 100)).toBe(4);
    expect(await store.retention.pruneMessages(BEFORE, 100)).toBe(0);
    expect(await ids(db)).toEqual([
      sentRecent,
      failedRetriedLately,
      pendingOld,
      sendingOld,
      unknownOld,
      inDecision,
      newest,
    ]);
    expect(await ids(db, "message_accounts", "outbox_id")).toEqual([sentRecent, inDecision]);
    expect(await ids(db, "follow_ups", "outbox_id")).toEqual([]);

    for (const id of [sentOld, sentOlder, failedOld, failedNeverTried, decidedBefore]) {
      expect(await store.outbox.prunedMessage(id)).toBe(true);
    }
    for (const id of [sentRecent, inDecision, pendingOld, newest, newest + 1, 1.5]) {
      expect(await store.outbox.prunedMessage(id)).toBe(false);
    }
    // The highest pruned id only grows: a later run removing lower ids leaves it.
    const through = async () =>
      (
        await db.sql<{ value: string }>(
          "SELECT value FROM settings WHERE key = 'retention.outbox_pruned_through'",
        )
      )[0]?.value;
    expect(await through()).toBe(String(decidedBefore));
    await db.sql("UPDATE outbox SET status = 'sent', sent_at = $1 WHERE id = $2", [
      daysAgo(500).toISOString(),
      pendingOld,
    ]);
    expect(await store.retention.pruneMessages(BEFORE, 100)).toBe(1);
    expect(await through()).toBe(String(decidedBefore));
  });

  it("lets two connections prune at once: every old message is removed once", async () => {
    const { store, other, db, seed } = await open();
    for (let i = 0; i < 30; i++) {
      const id = await seed.message({ sentAt: daysAgo(500 + i) });
      await seed.accounts(id, [{ source: "servicenow", accountId: `a${i}` }]);
    }
    const kept = await seed.message({ sentAt: daysAgo(1) });
    const removed = await Promise.all([
      store.retention.pruneMessages(BEFORE, 20),
      other.retention.pruneMessages(BEFORE, 20),
    ]);
    const more = await store.retention.pruneMessages(BEFORE, 20);
    expect(removed[0] + removed[1] + more).toBe(30);
    expect(await ids(db)).toEqual([kept]);
    expect(await ids(db, "message_accounts", "outbox_id")).toEqual([]);
    expect(await store.outbox.prunedMessage(kept - 1)).toBe(true);
  });

  it("prunes delivered in-place updates, not undelivered ones, other messages or the outbox's newest row", async () => {
    const { store, other, db, seed } = await open();
    expect(await store.retention.pruneDeliveredUpdates(BEFORE, 10)).toBe(0);
    const update = (days: number, status: "sent" | "pending" | "failed" = "sent") =>
      seed.message({
        kind: "message_update",
        status,
        sentAt: daysAgo(days),
        createdAt: daysAgo(days),
        payload: "{}",
      });
    const old = [await update(500), await update(600), await update(450)];
    const recent = await update(10);
    const pending = await update(500, "pending");
    const failed = await update(500, "failed");
    const owner = await seed.message({ sentAt: daysAgo(500) });
    const newest = await update(700);

    expect(await store.retention.pruneDeliveredUpdates(BEFORE, 1)).toBe(1);
    expect(await ids(db)).not.toContain(old[1]);
    const [a, b] = await Promise.all([
      store.retention.pruneDeliveredUpdates(BEFORE, 10),
      other.retention.pruneDeliveredUpdates(BEFORE, 10),
    ]);
    expect(a + b).toBe(2);
    expect(await store.retention.pruneDeliveredUpdates(BEFORE, 10)).toBe(0);
    expect(await ids(db)).toEqual([recent, pending, failed, owner, newest]);
  });

  it("compacts superseded owner messages when due, waits for an open Undo, and leaves the rest as they are", async () => {
    const { store, db, seed } = await open();
    const superseded = { supersededBy: { outboxId: 999, sentAt: daysAgo(2) } };
    const undoUntil = new Date(NOW.getTime() + 3_600_000);
    const decided = (until: Date) => ({
      decisionId: 1,
      action: "disable" as const,
      actor: "raj@acme.example",
      at: daysAgo(1),
      outcome: "applied" as const,
      undoUntil: until,
    });
    const compactable = await seed.message({
      payload: ownerPayload("raj@acme.example", superseded, [
        ownerAccount("a1", decided(daysAgo(0.5))),
        ownerAccount("a2"),
      ]),
    });
    const undoOpen = await seed.message({
      payload: ownerPayload("kim@acme.example", superseded, [ownerAccount("a3", decided(undoUntil))]),
    });
    const live = await seed.message({ recipient: "lee@acme.example" });
    const digest = await seed.message({ kind: "digest", recipient: "C1", payload: "{}" });
    const notYet = await seed.message({ payload: ownerPayload("ana@acme.example", superseded) });
    const payloadOf = async (id: number) =>
      (await db.sql<{ payload: string }>("SELECT payload FROM outbox WHERE id = $1", [id]))[0]?.payload;
    const before = {
      live: await payloadOf(live),
      digest: await payloadOf(digest),
      notYet: await payloadOf(notYet),
    };
    for (const id of [compactable, undoOpen, live, digest])
      await store.outbox.scheduleCompaction(id, daysAgo(1));
    await store.outbox.scheduleCompaction(notYet, daysAgo(-5));
    await store.outbox.scheduleCompaction(notYet, daysAgo(-3));

    expect(await store.retention.compactSupersededMessages(NOW, 10)).toBe(4);
    const [row] = await db.sql<OutboxRow>("SELECT * FROM outbox WHERE id = $1", [compactable]);
    const view = ownerViewOf(row);
    expect(view?.supersededBy).toEqual(superseded.supersededBy);
    expect(view?.accounts.map((acc) => [acc.accountId, acc.findings[0]?.evidence, acc.actions])).toEqual([
      ["a1", [], []],
      ["a2", [], []],
    ]);
    expect(view?.accounts[0]?.decision).toMatchObject({ action: "disable", outcome: "applied" });
    expect({
      live: await payloadOf(live),
      digest: await payloadOf(digest),
      notYet: await payloadOf(notYet),
    }).toEqual(before);
    expect(await db.sql("SELECT outbox_id, due_at FROM message_compactions ORDER BY outbox_id")).toEqual([
      { outbox_id: undoOpen, due_at: undoUntil.toISOString() },
      { outbox_id: notYet, due_at: daysAgo(-3).toISOString() },
    ]);
    // Once the Undo closes, the message is compacted too.
    expect(await store.retention.compactSupersededMessages(undoUntil, 10)).toBe(1);
    const [later] = await db.sql<OutboxRow>("SELECT * FROM outbox WHERE id = $1", [undoOpen]);
    expect(ownerViewOf(later)?.accounts[0]?.actions).toEqual([]);
    expect(await ids(db, "message_compactions", "outbox_id")).toEqual([notYet]);
  });

  it("lets two connections compact at once: each due message is handled once", async () => {
    const { store, other, db, seed } = await open();
    const superseded = { supersededBy: { outboxId: 999, sentAt: daysAgo(2) } };
    for (let i = 0; i < 6; i++) {
      const id = await seed.message({ payload: ownerPayload(`o${i}@acme.example`, superseded) });
      await store.outbox.scheduleCompaction(id, daysAgo(1));
    }
    const [a, b] = await Promise.all([
      store.retention.compactSupersededMessages(NOW, 4),
      other.retention.compactSupersededMessages(NOW, 4),
    ]);
    const more = await store.retention.compactSupersededMessages(NOW, 4);
    expect(a + b + more).toBe(6);
    expect(await ids(db, "message_compactions", "outbox_id")).toEqual([]);
    const rows = await db.sql<OutboxRow>("SELECT * FROM outbox ORDER BY id");
    for (const row of rows) {
      expect(ownerViewOf(row)?.accounts[0]?.findings[0]?.evidence).toEqual([]);
    }
  });
});
