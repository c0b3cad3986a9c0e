import { describe, expect, it } from "vitest";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import type { Store } from "../../src/store/store.js";
import { tempDbPath } from "../helpers/temp-db.js";

const at = new Date("2026-12-01T09:00:00Z");

function openStore(): Store {
  const path = tempDbPath();
  const store = createSqliteStore(openDatabase(path), { location: path });
  return store;
}

const message = (n: number) => ({
  platform: "slack",
  recipient: "C1",
  dedupeKey: `update:${n}`,
  message: { kind: "message_update" as const, view: { outboxId: n } },
  now: at,
});

/** A promise resolved from outside: lets a test hold a transaction body open at a known point. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("the SQLite store port", () => {
  it("answers every query as a Promise, with the database bound", async () => {
    const store = openStore();
    const id = await store.outbox.enqueue(message(1));
    expect(id).toBeTypeOf("number");
    const item = await store.outbox.getOutboxItem(id!);
    expect(item).toMatchObject({ kind: "message_update", recipient: "C1", status: "pending" });
    expect(await store.outbox.listOutbox("pending")).toHaveLength(1);
    await store.close();
  });

  it("commits a transaction when its body resolves and rolls all of it back when it rejects", async () => {
    const store = openStore();
    await store.transaction(async (tx) => {
      await tx.outbox.enqueue(message(1));
      await tx.outbox.enqueue(message(2));
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.outbox.enqueue(message(3));
        throw new Error("the body failed halfway");
      }),
    ).rejects.toThrow("the body failed halfway");
    const keys = (await store.outbox.listOutbox("pending")).map((item) => item.dedupeKey);
    expect(keys).toEqual(["update:1", "update:2"]);
    await store.close();
  });

  it("keeps calls made outside a transaction out of it while its body awaits", async () => {
    const store = openStore();
    const held = gate();
    const body = store.transaction(async (tx) => {
      await tx.outbox.enqueue(message(1));
      await held.promise;
      throw new Error("rolled back after the outside call was made");
    });
    // Issued while the body is open: it must neither join the transaction (and be rolled back
    // with it) nor see its uncommitted row.
    const outsideWrite = store.outbox.enqueue(message(2));
    const outsideRead = store.outbox.listOutbox("pending");
    held.open();
    await expect(body).rejects.toThrow("rolled back");
    expect(await outsideWrite).toBeTypeOf("number");
    // Run after the body ended, in the order issued: the rolled-back row is not there, the write is.
    expect((await outsideRead).map((item) => item.dedupeKey)).toEqual(["update:2"]);
    const keys = (await store.outbox.listOutbox("pending")).map((item) => item.dedupeKey);
    expect(keys).toEqual(["update:2"]);
    await store.close();
  });

  it("runs transaction bodies one at a time, in the order they were asked for", async () => {
    const store = openStore();
    const steps: string[] = [];
    const held = gate();
    const first = store.transaction(async (tx) => {
      steps.push("first begins");
      await tx.outbox.enqueue(message(1));
      await held.promise;
      steps.push("first ends");
    });
    const second = store.transaction(async (tx) => {
      steps.push("second begins");
      // The first one's row is committed by the time this body runs.
      expect(await tx.outbox.outboxStatusOf("update:1")).toBe("pending");
      steps.push("second ends");
    });
    const third = store.transaction(async () => {
      steps.push("third");
    });
    held.open();
    await Promise.all([first, second, third]);
    expect(steps).toEqual(["first begins", "first ends", "second begins", "second ends", "third"]);
    await store.close();
  });

  it("joins a nested transaction to the outer one, and refuses a transaction handle used after its end", async () => {
    const store = openStore();
    let leaked: Parameters<Parameters<Store["transaction"]>[0]>[0] | undefined;
    await expect(
      store.transaction(async (tx) => {
        leaked = tx;
        await tx.transaction(async (inner) => {
          await inner.outbox.enqueue(message(1));
        });
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(await store.outbox.outboxStatusOf("update:1")).toBeUndefined();
    await expect(leaked!.outbox.enqueue(message(2))).rejects.toMatchObject({ code: "E_STORE_TX_ENDED" });
    expect(await store.outbox.outboxStatusOf("update:2")).toBeUndefined();
    await store.close();
  });

  it("waits for an open transaction before closing the database", async () => {
    const store = openStore();
    const held = gate();
    const body = store.transaction(async (tx) => {
      await held.promise;
      await tx.outbox.enqueue(message(1));
    });
    const closed = store.close();
    held.open();
    await body;
    await closed;
    const reopened = createSqliteStore(openDatabase(store.location));
    expect(await reopened.outbox.outboxStatusOf("update:1")).toBe("pending");
    await reopened.close();
  });
});
