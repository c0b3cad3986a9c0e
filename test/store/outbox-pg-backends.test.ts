import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { OwnerMessageView } from "../../src/messages/build-owner-messages.js";
import type { OutboxMessage } from "../../src/notify/outbox-message.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS, type StoreBackend } from "../helpers/store-backends.js";

const at = new Date("2026-12-01T09:00:00.000Z");
const later = (ms: number) => new Date(at.getTime() + ms);
const HOUR = 3_600_000;

const update = (outboxId: number): OutboxMessage => ({ kind: "message_update", view: { outboxId } });

/** An owner message big enough to be stored packed (packed-payload.ts). */
const ownerView = (
  accountIds: string[],
  supersededBy?: OwnerMessageView["supersededBy"],
): OwnerMessageView => ({
  owner: { id: "u1", userName: "raj", name: "Raj Patel", email: "raj@acme.example", active: true },
  accounts: accountIds.map((accountId) => ({
    source: "servicenow",
    accountId,
    userName: `svc_${accountId}`,
    name: `ETL ${accountId} — ünïcode <&>`,
    active: true,
    webServiceAccessOnly: false,
    findings: [
      {
        rule: "wsao_disabled",
        severity: "medium",
        summary: "Makes API calls with UI access",
        evidence: [{ signal: "api_calls", detail: "12 REST calls in 30 days" }],
        remediation: "restrict",
      },
    ],
    risk: 0.4,
    uniqueApiCalls7d: [{ method: "GET", path: "/api/now/table/incident", count: 12 }],
    authMethods30d: { basic: 0, oauth: 12, other: 0 },
    actions: ["restrict", "disable", "keep", "not_mine"],
  })),
  supersededBy,
});
const owner = (accountIds: string[], supersededBy?: OwnerMessageView["supersededBy"]): OutboxMessage => ({
  kind: "owner_message",
  view: ownerView(accountIds, supersededBy),
});

/**
 * Raw SQL on the database a store is on (for what no ported store method writes or shows: findings,
 * follow-ups). Values are literals in the text, so one statement serves both backends.
 */
async function rawSql(backend: StoreBackend, store: Store): Promise<(sql: string) => Promise<unknown[]>> {
  if (backend.name === "sqlite") {
    const db = new BetterSqlite3(store.location);
    opened.push(async () => {
      db.close();
    });
    return async (sql) => {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all();
      statement.run();
      return [];
    };
  }
  const name = /\/(warden_[0-9a-f]+)/.exec(store.location)?.[1];
  const url = new URL(inject("postgresUrl"));
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  opened.push(() => client.end());
  return async (sql) => (await client.query(sql)).rows;
}
const opened: (() => Promise<void>)[] = [];

describe.each(STORE_BACKENDS)("the outbox on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    for (const close of opened.splice(0)) await close();
    await database?.close();
    database = undefined;
  });
  /** Two connections to one new database: two processes, or two replicas. */
  async function two(): Promise<[Store, Store]> {
    database = await backend.database();
    return [await database.connect(), await database.connect()];
  }

  it("queues a dedupe key once, even when two connections queue it at once", async () => {
    const [a, b] = await two();
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).outbox.enqueue({
          platform: "slack",
          recipient: "C1",
          dedupeKey: "k1",
          message: update(i),
          now: at,
        }),
      ),
    );
    const queued = ids.filter((id) => id !== undefined);
    expect(queued).toHaveLength(1);
    expect(await b.outbox.outboxStatusOf("k1")).toBe("pending");
    expect(await a.outbox.outboxStatusOf("k2")).toBeUndefined();
    const [item] = await a.outbox.listOutbox("pending");
    expect(item).toMatchObject({
      id: queued[0],
      platform: "slack",
      recipient: "C1",
      dedupeKey: "k1",
      status: "pending",
      attempts: 0,
      kind: "message_update",
      createdAt: at,
      sentAt: undefined,
      ref: undefined,
      notBefore: undefined,
      lastError: undefined,
    });
    expect(await a.outbox.getOutboxItem(queued[0] ?? 0)).toEqual(item);
    expect(await a.outbox.getOutboxItem(999)).toBeUndefined();
    expect(await a.outbox.listOutbox("pending", "teams")).toEqual([]);
    expect(await a.outbox.listOutbox("pending", "slack")).toHaveLength(1);
    // Queued again later, as the same key: still once.
    expect(
      await a.outbox.enqueue({
        platform: "slack",
        recipient: "C1",
        dedupeKey: "k1",
        message: update(1),
        now: at,
      }),
    ).toBeUndefined();
  });

  it("gives a waiting message the latest content (replacePending), one message even when two connections queue at once", async () => {
    const [a, b] = await two();
    const first = await a.outbox.enqueue({
      platform: "slack",
      recipient: "raj@acme.example",
      dedupeKey: "v1",
      message: owner(["a1"]),
      now: at,
      replacePending: true,
    });
    // It fails once: its retry state survives the replacements.
    expect(await a.outbox.setOutboxStatus(first ?? 0, "pending", "sending")).toBe(true);
    expect(
      await a.outbox.recordRetry(first ?? 0, { error: "user_not_found", at, notBefore: later(HOUR) }),
    ).toBe(true);
    const replaced = await Promise.all(
      ["v2", "v3", "v4", "v5"].map((key, i) =>
        (i % 2 ? a : b).outbox.enqueue({
          platform: "slack",
          recipient: "raj@acme.example",
          dedupeKey: key,
          message: owner(["a1", `a${i + 2}`]),
          now: later(i),
          replacePending: true,
        }),
      ),
    );
    expect(replaced).toEqual([first, first, first, first]);
    const pending = await b.outbox.listOutbox("pending");
    expect(pending).toHaveLength(1);
    const [item] = pending;
    expect(item).toMatchObject({ id: first, attempts: 1, lastError: "user_not_found", failingSince: at });
    // The content is the one of the key it now has.
    const n = ["v2", "v3", "v4", "v5"].indexOf(item?.dedupeKey ?? "");
    expect(n).toBeGreaterThanOrEqual(0);
    expect(item?.message).toEqual(owner(["a1", `a${n + 2}`]));
    expect(await a.outbox.outboxStatusOf("v1")).toBeUndefined();
    // A key already queued is not queued again, and replaces nothing.
    expect(
      await b.outbox.enqueue({
        platform: "slack",
        recipient: "raj@acme.example",
        dedupeKey: item?.dedupeKey ?? "",
        message: owner(["zz"]),
        now: at,
        replacePending: true,
      }),
    ).toBeUndefined();
    expect((await a.outbox.getOutboxItem(first ?? 0))?.message).toEqual(item?.message);
    // Another recipient, or a message being sent, is not replaced.
    expect(await a.outbox.setOutboxStatus(first ?? 0, "pending", "sending")).toBe(true);
    const next = await a.outbox.enqueue({
      platform: "slack",
      recipient: "raj@acme.example",
      dedupeKey: "v6",
      message: owner(["a9"]),
      now: at,
      replacePending: true,
    });
    expect(next).toBeGreaterThan(first ?? 0);
    expect(await a.outbox.hasPendingOwnerMessage("slack", "raj@acme.example")).toBe(true);
    expect(await a.outbox.hasPendingOwnerMessage("slack", "ana@acme.example")).toBe(false);
    expect(await a.outbox.hasPendingOwnerMessage("teams", "raj@acme.example")).toBe(false);
  });

  it("queues a key once when a replacement and a plain enqueue of it race", async () => {
    const [a, b] = await two();
    for (let round = 0; round < 10; round++) {
      const waiting = await a.outbox.enqueue({
        platform: "slack",
        recipient: `C${round}`,
        dedupeKey: `w${round}`,
        message: update(1),
        now: at,
      });
      // The plain one to another recipient: only the key is shared.
      const ids = await Promise.all([
        a.outbox.enqueue({
          platform: "slack",
          recipient: `C${round}`,
          dedupeKey: `k${round}`,
          message: update(2),
          now: at,
          replacePending: true,
        }),
        b.outbox.enqueue({
          platform: "slack",
          recipient: `D${round}`,
          dedupeKey: `k${round}`,
          message: update(3),
          now: at,
        }),
      ]);
      expect(ids.filter((id) => id !== undefined)).toHaveLength(1);
      // Either the waiting message took the key, or the plain one was queued first.
      const keyed = (await a.outbox.listOutbox("pending", "slack")).filter(
        (i) => i.dedupeKey === `k${round}`,
      );
      expect(keyed).toHaveLength(1);
      expect(keyed[0]?.id === waiting ? ids[0] : ids[1]).toBe(keyed[0]?.id);
    }
  });

  it("queues one message to a recipient when two connections queue replacements at once with nothing waiting", async () => {
    const [a, b] = await two();
    for (let round = 0; round < 10; round++) {
      const ids = await Promise.all(
        [a, b].map((store, i) =>
          store.outbox.enqueue({
            platform: "slack",
            recipient: `R${round}`,
            dedupeKey: `r${round}:${i}`,
            message: update(i),
            now: at,
            replacePending: true,
          }),
        ),
      );
      // The second replaced the first: one message, with the content of its key.
      expect(ids[0]).toBeDefined();
      expect(ids[1]).toBe(ids[0]);
      const pending = (await b.outbox.listOutbox("pending", "slack")).filter(
        (i) => i.recipient === `R${round}`,
      );
      expect(pending).toHaveLength(1);
      const n = pending[0]?.dedupeKey === `r${round}:1` ? 1 : 0;
      expect(pending[0]?.message).toEqual(update(n));
    }
  });

  it("lets one of two senders take an item, pages what is due, retries, postpones and refuses", async () => {
    const [a, b] = await two();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await a.outbox.enqueue({
          platform: "slack",
          recipient: "C1",
          dedupeKey: `k${i}`,
          message: update(i),
          now: later(i),
        })) ?? 0,
      );
    }
    await a.outbox.enqueue({
      platform: "teams",
      recipient: "T1",
      dedupeKey: "t",
      message: update(9),
      now: at,
    });
    const [x, y, z, , last] = ids as [number, number, number, number, number];
    const claims = await Promise.all([
      a.outbox.setOutboxStatus(x, "pending", "sending"),
      b.outbox.setOutboxStatus(x, "pending", "sending"),
    ]);
    expect(claims.sort()).toEqual([false, true]);
    expect((await a.outbox.getOutboxItem(x))?.attempts).toBe(1);
    expect(await a.outbox.countRetryingDeliveries()).toBe(0);

    // A failure that can clear: not due before its time.
    expect(await b.outbox.recordRetry(x, { error: "rate limited", at, notBefore: later(HOUR) })).toBe(true);
    expect(await b.outbox.recordRetry(x, { error: "again", at, notBefore: later(HOUR) })).toBe(false);
    expect(await a.outbox.countRetryingDeliveries()).toBe(1);
    expect((await a.outbox.listDueOutbox("slack", at)).map((i) => i.id)).toEqual(ids.slice(1));
    expect((await a.outbox.listDueOutbox("slack", later(HOUR))).map((i) => i.id)).toEqual(ids);
    expect(
      (await a.outbox.listDueOutbox("slack", later(HOUR), { afterId: y, limit: 2 })).map((i) => i.id),
    ).toEqual([z, ids[3]]);
    expect(await a.outbox.nextDueAt("slack")).toEqual(later(1));
    expect(await a.outbox.nextDueAt("nowhere")).toBeUndefined();

    // The cause cleared: every waiting item of the platform is due now.
    expect(await a.outbox.retryWaitingNow("teams", at)).toBe(0);
    expect(await a.outbox.retryWaitingNow("slack", at)).toBe(1);
    expect((await a.outbox.getOutboxItem(x))?.notBefore).toEqual(at);

    // The platform refuses warden: everything due waits.
    expect(await a.outbox.deferDue("slack", later(2), later(2 * HOUR))).toBe(5);
    expect(await a.outbox.listDueOutbox("slack", later(HOUR))).toEqual([]);
    expect(await a.outbox.nextDueAt("slack")).toEqual(later(2 * HOUR));

    // Postponed while being sent: the attempt does not count; from pending, it only waits.
    expect(await a.outbox.setOutboxStatus(y, "pending", "sending")).toBe(true);
    expect(await a.outbox.postponeOutboxItem(y, { from: "sending", notBefore: later(3 * HOUR) })).toBe(true);
    expect(await a.outbox.postponeOutboxItem(y, { from: "sending", notBefore: later(3 * HOUR) })).toBe(false);
    expect(await a.outbox.getOutboxItem(y)).toMatchObject({
      status: "pending",
      attempts: 0,
      notBefore: later(3 * HOUR),
    });
    expect(await a.outbox.postponeOutboxItem(z, { from: "pending", notBefore: later(4 * HOUR) })).toBe(true);
    expect(await a.outbox.getOutboxItem(z)).toMatchObject({ status: "pending", attempts: 0 });

    // Refused for good.
    expect(await a.outbox.setOutboxStatus(last, "pending", "sending")).toBe(true);
    expect(await a.outbox.recordRefusal(last, { error: "channel_not_found", at: later(HOUR) })).toBe(true);
    expect(await a.outbox.recordRefusal(last, { error: "again", at: later(HOUR) })).toBe(false);
    expect(await a.outbox.getOutboxItem(last)).toMatchObject({
      status: "failed",
      lastError: "channel_not_found",
      notBefore: undefined,
      failingSince: later(HOUR),
      lastAttemptAt: later(HOUR),
    });

    // Still retried a day after the first failure, and refused within the day.
    const undelivered = await b.outbox.listUndelivered({ now: later(24 * HOUR), giveUpMs: 23 * HOUR });
    expect(undelivered).toEqual([
      {
        id: x,
        platform: "slack",
        kind: "message_update",
        recipient: "C1",
        since: at,
        lastError: "rate limited",
        retrying: true,
      },
      {
        id: last,
        platform: "slack",
        kind: "message_update",
        recipient: "C1",
        since: later(HOUR),
        lastError: "channel_not_found",
        retrying: false,
      },
    ]);
    expect(await b.outbox.listUndelivered({ now: later(HOUR), giveUpMs: 2 * HOUR })).toEqual([
      expect.objectContaining({ id: last, retrying: false }),
    ]);
    expect(await b.outbox.listUndelivered({ now: later(30 * HOUR), giveUpMs: 2 * HOUR })).toEqual([
      expect.objectContaining({ id: x, retrying: true }),
    ]);
  });

  it("counts what a run queued and sent, and knows what was delivered", async () => {
    const [a, b] = await two();
    expect(await a.outbox.outboxMark()).toBe(0);
    expect(await a.outbox.hasMessagedBefore()).toBe(false);
    const first = await a.outbox.enqueue({
      platform: "slack",
      recipient: "C1",
      dedupeKey: "d0",
      message: update(0),
      now: at,
    });
    const mark = await b.outbox.outboxMark();
    expect(mark).toBe(first);
    const ids: number[] = [];
    for (const key of ["d1", "d2", "d3"]) {
      ids.push(
        (await a.outbox.enqueue({
          platform: "slack",
          recipient: "C2",
          dedupeKey: key,
          message: update(0),
          now: at,
        })) ?? 0,
      );
    }
    await a.outbox.enqueue({
      platform: "slack",
      recipient: "C2",
      dedupeKey: "o",
      message: owner(["a1"]),
      now: at,
    });
    expect(await b.outbox.countQueuedSince(mark, "message_update")).toEqual({ queued: 3, sent: 0 });
    expect(await b.outbox.hasDeliveredTo("slack", "C2")).toBe(false);

    const [one] = ids as [number];
    expect(await a.outbox.setOutboxStatus(one, "pending", "sending")).toBe(true);
    // Interrupted while sending: it may have been delivered.
    expect(await a.outbox.setOutboxStatus(one, "sending", "unknown")).toBe(true);
    expect(await b.outbox.hasMessagedBefore()).toBe(true);
    expect(await b.outbox.hasDeliveredTo("slack", "C2")).toBe(false);
    expect(
      await a.outbox.setOutboxStatus(one, "unknown", "sent", {
        sentAt: at,
        ref: { platform: "slack", channel: "C2", ts: "1.2" },
      }),
    ).toBe(true);
    expect(await b.outbox.hasDeliveredTo("slack", "C2")).toBe(true);
    expect(await b.outbox.hasDeliveredTo("teams", "C2")).toBe(false);
    expect(await b.outbox.hasDeliveredTo("slack", "C1")).toBe(false);
    expect(await b.outbox.countQueuedSince(mark, "message_update")).toEqual({ queued: 3, sent: 1 });
    expect(await b.outbox.countQueuedSince(mark, "owner_message")).toEqual({ queued: 1, sent: 0 });
    expect(await b.outbox.getOutboxItem(one)).toMatchObject({
      status: "sent",
      sentAt: at,
      ref: { platform: "slack", channel: "C2", ts: "1.2" },
      attempts: 1,
    });
  });

  it("records what owner messages showed, schedules their reminder, and stops chasing what is answered", async () => {
    const [a, b] = await two();
    const sql = await rawSql(backend, a);
    const scan = await a.scans.startScan("servicenow", at);
    for (const id of ["a1", "a2", "a3"]) {
      await sql(`INSERT INTO accounts (source, id, user_name, name, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
        VALUES ('servicenow', '${id}', 'svc_${id}', 'ETL', 1, '{}', '${at.toISOString()}', '${at.toISOString()}', ${scan})`);
      await sql(`INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation, first_seen_at,
        last_seen_at, first_scan_id, last_scan_id, accepted_until)
        VALUES ('servicenow', '${id}', 'wsao_disabled', 'medium', 's', '[]', 'restrict', '${at.toISOString()}',
        '${at.toISOString()}', ${scan}, ${scan}, ${id === "a3" ? `'${later(1000 * HOUR).toISOString()}'` : "NULL"})`);
    }
    const send = async (key: string, message: OutboxMessage, ts: string) => {
      const id =
        (await a.outbox.enqueue({
          platform: "slack",
          recipient: "raj@acme.example",
          dedupeKey: key,
          message,
          now: at,
        })) ?? 0;
      expect(await b.outbox.setOutboxStatus(id, "pending", "sending")).toBe(true);
      expect(
        await b.outbox.setOutboxStatus(id, "sending", "sent", {
          sentAt: at,
          ref: { platform: "slack", channel: "D1", ts },
        }),
      ).toBe(true);
      return id;
    };
    const m1 = await send("m1", owner(["a1", "a2", "a3"]), "1.1");
    const m2 = await send("m2", owner(["a1"]), "2.2");
    // Recorded twice, the last wins, and a replaced row is unanswered again.
    await a.outbox.recordMessageAccounts(m1, [
      { source: "servicenow", accountId: "a2", rules: ["no_owner"] },
      { source: "servicenow", accountId: "a1", rules: ["wsao_disabled"] },
      { source: "servicenow", accountId: "a3", rules: ["wsao_disabled"] },
      { source: "servicenow", accountId: "a2", rules: ["wsao_disabled", "dormant"] },
    ]);
    await a.outbox.recordMessageAccounts(m2, [{ source: "servicenow", accountId: "a1", rules: [] }]);
    await a.outbox.recordMessageAccounts(m2, []);
    expect(
      await sql(`SELECT CAST(outbox_id AS integer) AS outbox_id, due_at FROM follow_ups ORDER BY outbox_id`),
    ).toEqual([
      { outbox_id: m1, due_at: "2026-12-04T09:00:00.000Z" },
      { outbox_id: m2, due_at: "2026-12-04T09:00:00.000Z" },
    ]);
    expect(
      await sql(
        `SELECT CAST(rules AS integer) AS rules, answered_at FROM message_accounts WHERE outbox_id = ${m1} AND account_id = 'a2'`,
      ),
    ).toEqual([{ rules: 5, answered_at: null }]);

    expect(await b.outbox.findMessageShowing(m1, "servicenow", "a2")).toEqual({
      platform: "slack",
      kind: "owner_message",
      sentAt: at,
      location: { conversation: "D1", message: "1.1" },
    });
    expect(await b.outbox.findMessageShowing(m2, "servicenow", "a2")).toBeUndefined();
    expect(await b.outbox.findMessageShowing(m2, "servicenow", "a1")).toMatchObject({
      location: { conversation: "D1", message: "2.2" },
    });

    // a3 is kept (accepted) until later: only a1 and a2 are chased.
    const unanswered = await b.outbox.listUnansweredMessages(later(HOUR), later(HOUR));
    expect(unanswered).toEqual([
      {
        outboxId: m1,
        platform: "slack",
        ownerEmail: "raj@acme.example",
        sentAt: at,
        ref: { platform: "slack", channel: "D1", ts: "1.1" },
        accountIds: [
          { source: "servicenow", accountId: "a1" },
          { source: "servicenow", accountId: "a2" },
        ],
      },
      expect.objectContaining({ outboxId: m2, accountIds: [{ source: "servicenow", accountId: "a1" }] }),
    ]);
    expect(await b.outbox.listUnansweredMessages(new Date(at.getTime() - 1), later(HOUR))).toEqual([]);

    // A superseded message is not chased; its kind stays, another kind is refused.
    expect(await a.outbox.setOutboxMessage(m2, owner(["a1"], { outboxId: m1, sentAt: at }))).toBe(true);
    expect(await a.outbox.setOutboxMessage(m2, update(1))).toBe(false);
    expect(await a.outbox.setOutboxMessage(999, update(1))).toBe(false);
    expect((await a.outbox.getOutboxItem(m2))?.message).toEqual(owner(["a1"], { outboxId: m1, sentAt: at }));
    expect((await b.outbox.listUnansweredMessages(later(HOUR), later(HOUR))).map((m) => m.outboxId)).toEqual([
      m1,
    ]);

    // The last two accounts of m1 (a3 was answered before) answered at once, on two connections:
    // both are answered and m1's reminder stops.
    await b.outbox.markAccountAnswered("servicenow", "a3", at);
    await Promise.all([
      a.outbox.markAccountAnswered("servicenow", "a1", later(1)),
      b.outbox.markAccountAnswered("servicenow", "a2", later(2)),
    ]);
    expect(await sql(`SELECT outbox_id FROM follow_ups ORDER BY outbox_id`)).toEqual([]);
    expect(await b.outbox.listUnansweredMessages(later(HOUR), later(HOUR))).toEqual([]);
    expect(
      await sql(
        `SELECT account_id, answered_at FROM message_accounts WHERE outbox_id = ${m1} ORDER BY account_id`,
      ),
    ).toEqual([
      { account_id: "a1", answered_at: later(1).toISOString() },
      { account_id: "a2", answered_at: later(2).toISOString() },
      { account_id: "a3", answered_at: at.toISOString() },
    ]);
  });

  it("stops a message's reminder when its last accounts are answered at once, every time", async () => {
    const [a, b] = await two();
    const sql = await rawSql(backend, a);
    for (let round = 0; round < 8; round++) {
      const id =
        (await a.outbox.enqueue({
          platform: "slack",
          recipient: `o${round}@acme.example`,
          dedupeKey: `r${round}`,
          message: owner(["x"]),
          now: at,
        })) ?? 0;
      await a.outbox.setOutboxStatus(id, "pending", "sending");
      await a.outbox.setOutboxStatus(id, "sending", "sent", { sentAt: at });
      await a.outbox.recordMessageAccounts(id, [
        { source: "servicenow", accountId: `p${round}`, rules: [] },
        { source: "servicenow", accountId: `q${round}`, rules: [] },
      ]);
      expect(await sql(`SELECT outbox_id FROM follow_ups WHERE outbox_id = ${id}`)).toHaveLength(1);
      await Promise.all([
        a.outbox.markAccountAnswered("servicenow", `p${round}`, at),
        b.outbox.markAccountAnswered("servicenow", `q${round}`, at),
      ]);
      expect(await sql(`SELECT outbox_id FROM follow_ups WHERE outbox_id = ${id}`)).toEqual([]);
    }
  });

  it("leaves out of the unanswered list an owner message whose stored text is not JSON", async () => {
    const [a] = await two();
    const sql = await rawSql(backend, a);
    const scan = await a.scans.startScan("servicenow", at);
    await sql(`INSERT INTO accounts (source, id, user_name, name, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
      VALUES ('servicenow', 'a1', 'svc', 'ETL', 1, '{}', '${at.toISOString()}', '${at.toISOString()}', ${scan})`);
    await sql(`INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation, first_seen_at,
      last_seen_at, first_scan_id, last_scan_id)
      VALUES ('servicenow', 'a1', 'dormant', 'high', 's', '[]', 'disable', '${at.toISOString()}', '${at.toISOString()}', ${scan}, ${scan})`);
    const ids: number[] = [];
    for (const key of ["good", "bad"]) {
      const id =
        (await a.outbox.enqueue({
          platform: "slack",
          recipient: "raj@acme.example",
          dedupeKey: key,
          message: owner(["a1"]),
          now: at,
        })) ?? 0;
      await a.outbox.setOutboxStatus(id, "pending", "sending");
      await a.outbox.setOutboxStatus(id, "sending", "sent", { sentAt: at });
      await a.outbox.recordMessageAccounts(id, [
        { source: "servicenow", accountId: "a1", rules: ["dormant"] },
      ]);
      ids.push(id);
    }
    await sql(`UPDATE outbox SET payload = '{"z1":' WHERE id = ${ids[1]}`);
    expect((await a.outbox.listUnansweredMessages(later(HOUR), later(HOUR))).map((m) => m.outboxId)).toEqual([
      ids[0],
    ]);
    expect(await a.outbox.getOutboxItem(ids[1] ?? 0)).toMatchObject({
      message: undefined,
      unreadable: expect.anything(),
    });
  });
});
