import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { checkDelivery } from "../../src/doctor/check-delivery.js";
import { openDatabase } from "../../src/store/open-database.js";
import { openReadOnlyStore } from "../../src/store/open-read-only-store.js";
import { tempDbPath } from "../helpers/temp-db.js";

const NOW = new Date("2026-11-23T02:00:00Z");

/** The doctor's view of the database at `path`: read-only, through the store port. */
function readOnly(path: string) {
  const store = openReadOnlyStore(path);
  onTestFinished(() => store.close());
  return store;
}

function tables(path: string): string[] {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}

describe("the doctor's delivery check, on a database opened read-only", () => {
  it("passes on a current database where no message is failing", async () => {
    const path = tempDbPath();
    openDatabase(path).close();
    const checks = await checkDelivery(readOnly(path).outbox, { now: NOW, giveUpDays: 7 });
    expect(checks).toEqual([
      {
        area: "delivery",
        name: "message delivery",
        status: "pass",
        detail: "No message is failing: nothing waits to be retried.",
      },
    ]);
  });

  it("warns, and changes nothing, when the database is older than the outbox", async () => {
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    old.exec("CREATE TABLE scans (id INTEGER PRIMARY KEY)");
    old.close();
    const checks = await checkDelivery(readOnly(path).outbox, { now: NOW, giveUpDays: 7 });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ area: "delivery", name: "message delivery", status: "warn" });
    expect(checks[0]?.detail).toMatch(/^Could not read the outbox \(.*outbox.*\): the database is older/);
    expect(tables(path)).toEqual(["scans"]);
  });

  it("cannot write through the read-only store", async () => {
    const path = tempDbPath();
    openDatabase(path).close();
    const store = readOnly(path);
    await expect(
      store.outbox.enqueue({
        platform: "slack",
        recipient: "C1",
        dedupeKey: "update:1",
        message: { kind: "message_update", view: { outboxId: 1 } },
        now: NOW,
      }),
    ).rejects.toMatchObject({ code: "SQLITE_READONLY" });
    expect(await store.outbox.listOutbox("pending")).toEqual([]);
  });
});
