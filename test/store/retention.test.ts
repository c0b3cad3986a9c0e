import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { pruneExpired } from "../../src/scan/prune-expired.js";
import { appendAudit, verifyAuditChain } from "../../src/store/audit-log.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { listPreviousScans, previousDigest } from "../../src/store/scans.js";
import type { Store } from "../../src/store/store.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";
import { smallDisk } from "../helpers/fill-disk.js";
import { tempDbPath } from "../helpers/temp-db.js";
import { daysAgo, idsOf, RETENTION_DAYS, seeder, TODAY } from "./seed-retention.js";

const prune = (db: ReturnType<typeof openDatabase>, batch?: number) =>
  pruneExpired(createSqliteStore(db), {
    now: TODAY,
    retentionDays: RETENTION_DAYS,
    logger: silentLogger,
    ...(batch ? { batch } : {}),
  });

/**
 * A database after well over a year: what is older than the retention and no longer read goes;
 * what anything still reads (the latest scans, the digest's comparison, open findings, live
 * messages, decisions, the audit log) stays.
 */
function seedYear(db: ReturnType<typeof openDatabase>) {
  const seed = seeder(db);
  const ids = {
    // ServiceNow, scanned for two years; Entra scanned once, long ago (its latest scan stays).
    s1: seed.scan("servicenow", 700),
    s2: seed.scan("servicenow", 600, "failed"),
    s3: seed.scan("servicenow", 500),
    s4: seed.scan("servicenow", 450),
    s5: seed.scan("servicenow", 10),
    s6: seed.scan("servicenow", 1),
    e1: seed.scan("entra", 650),
  };
  seed.account("servicenow", "live", ids.s6, 1);
  seed.account("servicenow", "gone-long-ago", ids.s3, 500);
  seed.account("servicenow", "gone-lately", ids.s5, 10);
  seed.account("entra", "app", ids.e1, 650);
  const findings = {
    // Open since the first scan: it keeps scan 1.
    open: seed.finding("servicenow", "live", { first: ids.s1, last: ids.s6 }),
    resolvedLongAgo: seed.finding(
      "servicenow",
      "live",
      { first: ids.s3, last: ids.s3, resolved: ids.s4 },
      450,
      "basic_auth",
    ),
    resolvedLately: seed.finding(
      "servicenow",
      "live",
      { first: ids.s5, last: ids.s5, resolved: ids.s6 },
      1,
      "privileged",
    ),
    ofGoneAccount: seed.finding(
      "servicenow",
      "gone-long-ago",
      { first: ids.s3, last: ids.s3, resolved: ids.s4 },
      450,
    ),
    entra: seed.finding("entra", "app", { first: ids.e1, last: ids.e1 }),
  };
  const pendingDecisionMessage = seed.message("sent", 500, { accounts: ["live"] });
  const messages = {
    sentLongAgo: seed.message("sent", 500, { accounts: ["live", "gone-long-ago"] }),
    failedLongAgo: seed.message("failed", 420),
    sentLately: seed.message("sent", 5, { accounts: ["live"] }),
    sentJustInside: seed.message("sent", RETENTION_DAYS - 1, { accounts: ["live"] }),
    pendingLongAgo: seed.message("pending", 500),
    unknownLongAgo: seed.message("unknown", 500),
    pendingDecisionMessage,
  };
  const decisions = {
    old: seed.decision("gone-long-ago", 600, "applied"),
    pending: seed.decision("live", 0, "pending", pendingDecisionMessage),
  };
  const digests = {
    old: seed.digest(ids.s3, 480),
    previous: seed.digest(ids.s5, 9),
  };
  appendAudit(db, { at: new Date(daysAgo(700)), event: "scan.succeeded", actor: "warden", detail: {} });
  return { ids, findings, messages, decisions, digests };
}

describe("retention after a scan", () => {
  it("runs after each successful scan, once the results are stored", async () => {
    expect(TODAY).toEqual(NOW);
    const { connector } = await startDemoSource();
    const db = openTempDb();
    const seed = seeder(db);
    const old = [seed.message("sent", 401), seed.message("failed", 500)];
    const recent = seed.message("sent", 399);
    const outcome = await scan(db, connector);
    expect(outcome.pruned).toMatchObject({ messages: old.length, walTruncated: true });
    expect(idsOf(db, "outbox")).toEqual([recent]);
    expect(db.prepare("SELECT count(*) FROM accounts").pluck().get()).toBe(
      outcome.inventory.identities.length,
    );
  });

  it("prunes exactly what is older than WARDEN_RETENTION_DAYS and no longer read, and nothing live", async () => {
    const db = openDatabase(tempDbPath());
    const { ids, findings, messages, decisions, digests } = seedYear(db);
    const trendBefore = {
      previous: previousDigest(db, ids.s6),
      scans: listPreviousScans(db).map((s) => s.id),
    };

    const summary = await prune(db, 1);

    expect(idsOf(db, "outbox").sort()).toEqual(
      [
        messages.sentLately,
        messages.sentJustInside,
        messages.pendingLongAgo,
        messages.unknownLongAgo,
        messages.pendingDecisionMessage,
      ].sort(),
    );
    expect(
      db
        .prepare("SELECT count(*) FROM message_accounts WHERE outbox_id = ?")
        .pluck()
        .get(messages.sentLongAgo),
    ).toBe(0);
    expect(idsOf(db, "findings").sort()).toEqual(
      [findings.open, findings.resolvedLately, findings.entra].sort(),
    );
    expect(idsOf(db, "accounts", "source || ':' || id").sort()).toEqual(
      ["entra:app", "servicenow:gone-lately", "servicenow:live"].sort(),
    );
    // Scan 1 (an open finding's first scan), scan 5 (the previous digest's and the previous
    // successful one), scan 6 (the latest) and Entra's only scan stay; 2, 3 and 4 go.
    expect(idsOf(db, "scans")).toEqual([ids.s1, ids.s5, ids.s6, ids.e1]);
    expect(idsOf(db, "digests")).toEqual([digests.previous]);
    // Decisions and the audit log are never pruned by retention.
    expect(idsOf(db, "decisions")).toEqual([decisions.old, decisions.pending]);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, entries: 1 });
    // The digest compares with the same scan and score as before.
    expect(previousDigest(db, ids.s6)).toEqual(trendBefore.previous);
    expect(listPreviousScans(db).map((s) => s.id)).toEqual(trendBefore.scans);
    expect(db.pragma("foreign_key_check")).toEqual([]);
    expect(summary).toMatchObject({ messages: 2, findings: 2, accounts: 1, scans: 4 });

    // A second pass finds nothing more to remove.
    expect(await prune(db)).toMatchObject({ messages: 0, findings: 0, accounts: 0, scans: 0 });
    db.close();
  });

  it("removes an in-place update a day after it was delivered, and keeps the message it updated and any update not delivered", async () => {
    const db = openDatabase(tempDbPath());
    const seed = seeder(db);
    const message = seed.message("sent", 30, { accounts: ["live"] });
    const update = (status: "sent" | "pending" | "failed" | "unknown", days: number) =>
      seed.message(status, days, { kind: "message_update", payload: JSON.stringify({ outboxId: message }) });
    const delivered = [update("sent", 2), update("sent", 1.5), update("sent", 29)];
    const kept = [update("sent", 0.5), update("pending", 3), update("failed", 3), update("unknown", 3)];

    expect(await prune(db, 2)).toMatchObject({ messages: 0, updates: delivered.length });

    expect(idsOf(db, "outbox").sort()).toEqual([message, ...kept].sort());
    expect(db.prepare("SELECT count(*) FROM message_accounts WHERE outbox_id = ?").pluck().get(message)).toBe(
      1,
    );
    expect(await prune(db)).toMatchObject({ updates: 0 });
    db.close();
  });

  it("keeps a delivered update that is the outbox's newest row, so its id (named in the audit log) is never given to another message", async () => {
    const db = openDatabase(tempDbPath());
    const seed = seeder(db);
    const message = seed.message("sent", 30, { accounts: ["live"] });
    const payload = JSON.stringify({ outboxId: message });
    const older = seed.message("sent", 3, { kind: "message_update", payload });
    const newest = seed.message("sent", 2, { kind: "message_update", payload });

    expect(await prune(db)).toMatchObject({ updates: 1 });

    expect(idsOf(db, "outbox").sort()).toEqual([message, newest].sort());
    expect(seed.message("pending", 0)).toBeGreaterThan(Math.max(older, newest));
    db.close();
  });

  it("gives the freed room back: the database file shrinks, and the WAL is truncated", async () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    expect(db.pragma("auto_vacuum", { simple: true })).toBe(2); // INCREMENTAL, set before the first table
    const seed = seeder(db);
    const payload = JSON.stringify({ text: "x".repeat(2000) });
    db.transaction(() => {
      for (let i = 0; i < 3000; i += 1) seed.message("sent", 450, { payload, accounts: ["live"] });
      for (let i = 0; i < 300; i += 1) seed.message("sent", 3, { payload, accounts: ["live"] });
    })();
    db.pragma("wal_checkpoint(TRUNCATE)");
    const full = statSync(path).size;

    const summary = await prune(db, 500);

    expect(summary).toMatchObject({ messages: 3000, walTruncated: true });
    expect(db.pragma("freelist_count", { simple: true })).toBe(0);
    expect(statSync(`${path}-wal`).size).toBe(0);
    const after = statSync(path).size;
    expect(after).toBeLessThan(full / 4);
    expect(db.prepare("SELECT count(*) FROM outbox").pluck().get()).toBe(300);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  });

  it("loses nothing when the disk fills halfway through: every batch is whole, the rest goes next time", async () => {
    const disk = smallDisk();
    const path = `${disk.dir}/warden.db`;
    const db = openDatabase(path);
    const seed = seeder(db);
    const payload = JSON.stringify({ text: "x".repeat(1000) });
    const live: number[] = [];
    db.transaction(() => {
      for (let i = 0; i < 1000; i += 1) seed.message("sent", 450, { payload, accounts: ["live"] });
      for (let i = 0; i < 50; i += 1) live.push(seed.message("sent", 3, { payload, accounts: ["live"] }));
    })();
    const store = createSqliteStore(db);
    // The disk fills right after the first batch committed (collaborators passed in, nothing mocked).
    let release: (() => void) | undefined;
    const filling: Store = {
      ...store,
      retention: {
        ...store.retention,
        pruneMessages: async (before, limit) => {
          const removed = await store.retention.pruneMessages(before, limit);
          release ??= disk.fill(db);
          return removed;
        },
      },
    };
    const options = { now: TODAY, retentionDays: RETENTION_DAYS, logger: silentLogger, batch: 200 };

    await expect(pruneExpired(filling, options)).rejects.toMatchObject({ code: "SQLITE_FULL" });

    expect(db.prepare("SELECT count(*) FROM outbox").pluck().get()).toBe(850);
    expect(db.prepare("SELECT count(*) FROM message_accounts").pluck().get()).toBe(850);
    expect(idsOf(db, "outbox").slice(-50)).toEqual(live);
    release?.();
    expect(await pruneExpired(store, options)).toMatchObject({ messages: 800 });
    expect(idsOf(db, "outbox")).toEqual(live);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  });
});
