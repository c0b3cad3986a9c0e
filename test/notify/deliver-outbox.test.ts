import { createServer, get } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { PacedLaterError } from "../../src/chat-pacing/rate-pacer.js";
import { silentLogger } from "../../src/logger.js";
import {
  deliverOutbox,
  type OutboxSender,
  RateLimitedError,
  UnreachableRecipientError,
} from "../../src/notify/deliver-outbox.js";
import { enqueueFollowUps } from "../../src/notify/enqueue-follow-ups.js";
import { enqueueOwnerMessages } from "../../src/notify/enqueue-owner-messages.js";
import { markFixedAccounts } from "../../src/notify/mark-fixed-accounts.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { enqueue, getOutboxItem, listOutbox, type OutboxItem } from "../../src/store/outbox.js";
import type { Store } from "../../src/store/store.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

async function scanned() {
  const source = await startDemoSource();
  const db = openTempDb();
  await scan(db, source.connector);
  // warden's code goes through the store port; the test reads and seeds the same database directly.
  return { db, store: createSqliteStore(db), source };
}

/** A sender that records what it sent; `behaviour` may throw or hang for an item. */
function recordingSender(behaviour: (item: OutboxItem, n: number) => Promise<void> | void = () => {}) {
  const sent: OutboxItem[] = [];
  let n = 0;
  const sender: OutboxSender = {
    platform: "slack",
    async send(item) {
      await behaviour(item, n++);
      sent.push(item);
      return { ref: { platform: "slack" as const, channel: `D${item.id}`, ts: `${item.id}.0001` } };
    },
  };
  return { sender, sent };
}

const deliver = (store: Store, sender: OutboxSender, sleeps: number[] = [], concurrency?: number) =>
  deliverOutbox({
    store,
    sender,
    now: () => NOW,
    logger: silentLogger,
    sleep: async (ms) => void sleeps.push(ms),
    ...(concurrency === undefined ? {} : { concurrency }),
  });

describe("a message replaced while its recipient's earlier one is being sent", () => {
  it("goes out with the newest content, under the newest key", async () => {
    const { db, store } = await scanned();
    const recipient = "raj.patel@acme.example";
    const update = (key: string, outboxId: number, replacePending = false) =>
      enqueue(db, {
        platform: "slack",
        recipient,
        dedupeKey: key,
        message: { kind: "message_update", view: { outboxId } },
        now: NOW,
        replacePending,
      });
    update("test:first", 1);
    const second = update("test:second", 2);
    // While the first is on the wire, the second (listed in the same page) gets newer content.
    const { sender, sent } = recordingSender((_item, n) => {
      if (n === 0) expect(update("test:newest", 3, true)).toBe(second);
    });
    await deliver(store, sender, [], 1);
    expect(
      sent.map((i) => (i.message.kind === "message_update" ? i.message.view.outboxId : undefined)),
    ).toEqual([1, 3]);
    expect(getOutboxItem(db, second ?? 0)).toMatchObject({ status: "sent", dedupeKey: "test:newest" });
  });
});

describe("owner messages through the outbox", () => {
  it("queues one message per owner, riskiest account first, and not again while nothing changed", async () => {
    const { db, store } = await scanned();
    const first = await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    const queued = listOutbox(db, "pending");
    expect(first.owners).toBeGreaterThan(2);
    const recipients = queued.filter((i) => i.kind === "owner_message").map((i) => i.recipient);
    expect(new Set(recipients).size).toBe(recipients.length);
    const raj = queued.find((i) => i.recipient === "raj.patel@acme.example");
    if (raj?.message?.kind !== "owner_message") throw new Error("Raj has no owner message");
    const view = raj.message.view;
    expect(view.accounts.length).toBeGreaterThan(1);
    expect(view.accounts[0]!.risk).toBeGreaterThanOrEqual(view.accounts.at(-1)!.risk);
    expect(queued.some((i) => i.kind === "unowned" && i.recipient === "C_ADMIN")).toBe(true);

    const again = await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    expect(again.owners).toBe(0);
    expect(listOutbox(db, "pending")).toHaveLength(queued.length);
  });

  it("queues a run in batches of owners, serving the event loop between them; after a crash mid-run, each owner gets one message", async () => {
    const { db, store } = await scanned();
    const ownersOf = () =>
      listOutbox(db, "pending")
        .filter((i) => i.kind === "owner_message")
        .map((i) => i.recipient);
    // The process dies in the third batch (one owner each): its transaction never commits.
    let batches = 0;
    let enqueued = 0;
    let servedInBatch: number | undefined;
    const crashing: Store = {
      ...store,
      transaction: (fn) =>
        store.transaction((tx) => {
          batches += 1;
          // Something waits on the event loop (a click, /healthz) from the first batch on.
          if (batches === 1)
            setImmediate(() => {
              servedInBatch = batches;
            });
          return fn({
            ...tx,
            outbox: {
              ...tx.outbox,
              enqueue: async (item) => {
                if (++enqueued === 3) throw new Error("killed");
                return tx.outbox.enqueue(item);
              },
            },
          });
        }),
    };
    const options = { platform: "slack", adminChannel: "C_ADMIN", now: NOW, batchOwners: 1 };
    await expect(enqueueOwnerMessages(crashing, options)).rejects.toThrow("killed");
    expect(ownersOf()).toHaveLength(2);
    // A click or /healthz waiting meanwhile was served between two batches, not after the run.
    expect(servedInBatch).toBeLessThan(3);

    const rerun = await enqueueOwnerMessages(store, options);
    const owners = ownersOf();
    expect(rerun.owners).toBe(owners.length - 2);
    expect(new Set(owners).size).toBe(owners.length);
    // The same owners as one run in a single batch would have messaged.
    const fresh = await scanned();
    await enqueueOwnerMessages(fresh.store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    const once = listOutbox(fresh.db, "pending").filter((i) => i.kind === "owner_message");
    expect([...owners].sort()).toEqual(once.map((i) => i.recipient).sort());
    expect(owners.length).toBeGreaterThan(3);

    // Delivered, then run again in batches: nobody is asked twice.
    const { sender, sent } = recordingSender();
    await deliver(store, sender);
    expect(sent.filter((i) => i.kind === "owner_message")).toHaveLength(owners.length);
    expect((await enqueueOwnerMessages(store, { ...options, batchOwners: 2 })).owners).toBe(0);
    expect(listOutbox(db, "pending")).toHaveLength(0);
  });

  it("sends each queued message once and records what it showed", async () => {
    const { db, store } = await scanned();
    await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    const { sender, sent } = recordingSender();
    const result = await deliver(store, sender);
    expect(result).toEqual({
      sent: sent.length,
      failed: 0,
      unknown: 0,
      rerouted: 0,
      retrying: 0,
      deferred: 0,
    });
    expect((await deliver(store, sender)).sent).toBe(0);
    const shown = db.prepare("SELECT count(*) FROM message_accounts").pluck().get() as number;
    expect(shown).toBeGreaterThan(sent.length - 1);
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE event = 'message.sent'").pluck().get()).toBe(
      sent.length,
    );
  });

  it("after a crash halfway through a one-at-a-time run, sends the rest and never the same message twice", async () => {
    const { db, store } = await scanned();
    await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    const total = listOutbox(db, "pending").length;
    // The process dies while the third message is on the wire: its promise never settles.
    let onTheWire = () => {};
    const third = new Promise<void>((resolve) => {
      onTheWire = resolve;
    });
    const first = recordingSender((_item, n) => {
      if (n !== 2) return undefined;
      onTheWire();
      return new Promise<void>(() => {});
    });
    void deliver(store, first.sender, [], 1);
    await third;
    expect(first.sent).toHaveLength(2);

    const second = recordingSender();
    const result = await deliver(store, second.sender);
    expect(result).toEqual({ sent: total - 3, failed: 0, unknown: 1, rerouted: 0, retrying: 0, deferred: 0 });
    const everything = [...first.sent, ...second.sent].map((i) => i.id);
    expect(new Set(everything).size).toBe(everything.length);
    expect(listOutbox(db, "unknown")).toHaveLength(1);
  });

  it("after a crash with several recipients on the wire, marks exactly those unknown and sends none twice", async () => {
    const { db, store } = await scanned();
    await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    const total = listOutbox(db, "pending").length;
    expect(total).toBeGreaterThan(4);
    // The first item goes alone; then three recipients are on the wire at once when the process dies.
    let hanging = 0;
    let onAllHanging = () => {};
    const allHanging = new Promise<void>((resolve) => {
      onAllHanging = resolve;
    });
    const first = recordingSender((_item, n) => {
      if (n === 0) return undefined;
      hanging += 1;
      if (hanging === 3) onAllHanging();
      return new Promise<void>(() => {});
    });
    void deliver(store, first.sender, [], 3);
    await allHanging;
    expect(listOutbox(db, "sending")).toHaveLength(3);

    const second = recordingSender();
    const result = await deliver(store, second.sender);
    expect(result).toMatchObject({ sent: total - 4, unknown: 3, failed: 0 });
    const everything = [...first.sent, ...second.sent].map((i) => i.id);
    expect(new Set(everything).size).toBe(everything.length);
    expect(listOutbox(db, "unknown")).toHaveLength(3);
  });

  it("serves several recipients at once, each recipient's items in queue order", async () => {
    const { db, store } = await scanned();
    const recipients = ["a@acme.example", "b@acme.example", "c@acme.example", "d@acme.example"];
    for (let round = 0; round < 5; round++) {
      for (const recipient of recipients) {
        enqueue(db, {
          platform: "slack",
          recipient,
          dedupeKey: `test:${recipient}:${round}`,
          message: { kind: "message_update", view: { outboxId: round } },
          now: NOW,
        });
      }
    }
    let inFlight = 0;
    let mostInFlight = 0;
    const order: { recipient: string; id: number }[] = [];
    const sender: OutboxSender = {
      platform: "slack",
      async send(item) {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // Answers take different times (a few turns of the event loop), so the lanes interleave.
        for (let i = 0; i < (item.id % 4) * 3; i++) await Promise.resolve();
        order.push({ recipient: item.recipient, id: item.id });
        inFlight -= 1;
        return { ref: { platform: "slack", channel: `D${item.id}`, ts: `${item.id}.0001` } };
      },
    };
    const result = await deliver(store, sender, [], 3);
    expect(result.sent).toBe(20);
    expect(mostInFlight).toBe(3);
    for (const recipient of recipients) {
      const ids = order.filter((o) => o.recipient === recipient).map((o) => o.id);
      expect(ids).toHaveLength(5);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
  });

  it("puts an item whose pace slot is too far off back in the queue, unsent, with its recipient's later items", async () => {
    const { db, store } = await scanned();
    const slot = new Date(NOW.getTime() + 90_000);
    for (const [recipient, round] of [
      ["a@acme.example", 0],
      ["b@acme.example", 0],
      ["a@acme.example", 1],
      ["b@acme.example", 1],
    ] as const) {
      enqueue(db, {
        platform: "slack",
        recipient,
        dedupeKey: `test:${recipient}:${round}`,
        message: { kind: "message_update", view: { outboxId: round } },
        now: NOW,
      });
    }
    const { sender, sent } = recordingSender((item) => {
      if (item.recipient === "b@acme.example") throw new PacedLaterError(slot, "slack:chat.update");
    });
    const result = await deliver(store, sender, [], 2);
    expect(result).toMatchObject({ sent: 2, deferred: 2, failed: 0, retrying: 0 });
    expect(sent.map((i) => i.recipient)).toEqual(["a@acme.example", "a@acme.example"]);
    const waiting = db
      .prepare(
        "SELECT status, attempts, not_before, failing_since FROM outbox WHERE recipient = ? ORDER BY id",
      )
      .all("b@acme.example");
    expect(waiting).toEqual([
      { status: "pending", attempts: 0, not_before: slot.toISOString(), failing_since: null },
      { status: "pending", attempts: 0, not_before: slot.toISOString(), failing_since: null },
    ]);
    // Due again at the slot: then sent, in order.
    const later = recordingSender();
    await deliverOutbox({ store, sender: later.sender, now: () => slot, logger: silentLogger });
    expect(later.sent.map((i) => i.recipient)).toEqual(["b@acme.example", "b@acme.example"]);
  });

  it("reads the queue a page at a time; a recipient paced for later keeps their order across pages", async () => {
    const { db, store } = await scanned();
    const slot = new Date(NOW.getTime() + 90_000);
    for (const round of [0, 1, 2]) {
      for (const recipient of ["a@acme.example", "b@acme.example"]) {
        enqueue(db, {
          platform: "slack",
          recipient,
          dedupeKey: `test:${recipient}:${round}`,
          message: { kind: "message_update", view: { outboxId: round } },
          now: NOW,
        });
      }
    }
    // b's first item finds no slot; the pace would have one for the next (a slot freed meanwhile):
    // sending it would put b's second message before the first.
    let paced = false;
    const { sender, sent } = recordingSender((item) => {
      if (item.recipient === "b@acme.example" && !paced) {
        paced = true;
        throw new PacedLaterError(slot, "slack:chat.update");
      }
    });
    // Pages of two: each holds one item of a and one of b.
    const result = await deliverOutbox({
      store,
      sender,
      now: () => NOW,
      logger: silentLogger,
      concurrency: 2,
      pageSize: 2,
    });
    expect(result).toMatchObject({ sent: 3, deferred: 3, failed: 0 });
    expect(sent.map((i) => i.recipient)).toEqual(["a@acme.example", "a@acme.example", "a@acme.example"]);
    const b = db
      .prepare("SELECT status, not_before FROM outbox WHERE recipient = ? ORDER BY id")
      .all("b@acme.example");
    expect(b).toEqual(
      Array.from({ length: 3 }, () => ({ status: "pending", not_before: slot.toISOString() })),
    );
    const later = recordingSender();
    await deliverOutbox({ store, sender: later.sender, now: () => slot, logger: silentLogger, pageSize: 2 });
    expect(later.sent.map((i) => i.dedupeKey)).toEqual([0, 1, 2].map((r) => `test:b@acme.example:${r}`));
  });

  it("answers HTTP while a long run is in flight, though every send resolves at once", async () => {
    const { db, store } = await scanned();
    const total = 1_000;
    db.transaction(() => {
      for (let i = 0; i < total; i++) {
        enqueue(db, {
          platform: "slack",
          recipient: `owner-${i}@acme.example`,
          dedupeKey: `test:many:${i}`,
          message: { kind: "message_update", view: { outboxId: i } },
          now: NOW,
        });
      }
    })();
    // A server in this process, as /healthz is in warden serve's: it can only answer when the
    // delivery run lets the event loop turn.
    const server = createServer((_request, response) => response.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    let answered: Promise<number> | undefined;
    const { sender, sent } = recordingSender(() => {
      answered ??= new Promise((resolve, reject) => {
        get({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (response) => {
          response.resume();
          response.on("end", () => resolve(sent.length));
        }).on("error", reject);
      });
    });
    try {
      const result = await deliver(store, sender);
      expect(result.sent).toBe(total);
      // Sends that resolve at once never let the loop turn by themselves (no I/O between them):
      // without the run's own turns the answer would only come after the last message.
      expect(await answered).toBeLessThan(total);
    } finally {
      server.close();
    }
  });

  it("waits out a rate limit instead of dropping the message", async () => {
    const { db, store } = await scanned();
    await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    let limited = false;
    const { sender, sent } = recordingSender(() => {
      if (!limited) {
        limited = true;
        throw new RateLimitedError(7000);
      }
    });
    const sleeps: number[] = [];
    const result = await deliver(store, sender, sleeps);
    expect(sleeps).toEqual([7000]);
    expect(result.failed).toBe(0);
    expect(sent.length).toBe(result.sent);
    expect(listOutbox(db, "pending")).toHaveLength(0);
  });

  it("records a message that cannot be sent as failed, with the reason", async () => {
    const { db, store } = await scanned();
    await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    const { sender } = recordingSender((item) => {
      if (item.kind === "unowned") throw new Error("channel_not_found");
    });
    const result = await deliver(store, sender);
    expect(result.failed).toBe(1);
    expect(listOutbox(db, "failed")[0]).toMatchObject({ kind: "unowned", lastError: "channel_not_found" });
  });

  it("fails a message whose stored payload cannot be read, saying why, and delivers the rest", async () => {
    const { db, store } = await scanned();
    await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    // A row written by hand (or damaged): its digest has no date where one must be.
    const insert = db.prepare(
      `INSERT INTO outbox (platform, kind, recipient, dedupe_key, payload, status, created_at)
       VALUES ('slack', ?, 'C_DIGEST', ?, ?, 'pending', ?)`,
    );
    insert.run("digest", "broken-digest", '{"generatedAt":"last Tuesday"}', NOW.toISOString());
    insert.run("owner_message", "broken-json", "{not json", NOW.toISOString());
    const readable = listOutbox(db, "pending").filter((item) => !item.unreadable).length;
    const { sender, sent } = recordingSender();

    const result = await deliver(store, sender);

    expect(sent).toHaveLength(readable);
    expect(result).toMatchObject({ sent: readable, failed: 2 });
    const failed = listOutbox(db, "failed");
    expect(failed.map((i) => [i.dedupeKey, i.lastError])).toEqual([
      ["broken-digest", "the stored digest message is malformed: view.generatedAt is not an ISO date"],
      ["broken-json", "the stored owner_message message is not JSON"],
    ]);
    const audited = db.prepare("SELECT count(*) FROM audit_log WHERE event = 'message.failed'").pluck().get();
    expect(audited).toBe(2);

    // Even one marked sent (a damaged database) does not stop the next run from queueing.
    db.prepare("UPDATE outbox SET status = 'sent' WHERE dedupe_key = 'broken-json'").run();
    const later = new Date(NOW.getTime() + 10 * 86_400_000);
    await expect(markFixedAccounts(store, { platform: "slack", now: later })).resolves.toBeTypeOf("number");
    await expect(
      enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: later }),
    ).resolves.toMatchObject({ owners: expect.any(Number) });
    expect(
      (await enqueueFollowUps(store, { now: later, adminChannels: { slack: "C_ADMIN" } })).reminders,
    ).toBeGreaterThan(0);
  });

  it("gives a message still waiting for its owner the new content instead of queuing a second one", async () => {
    const { db, store } = await scanned();
    await enqueueOwnerMessages(store, { platform: "slack", adminChannel: "C_ADMIN", now: NOW });
    let reachable = false;
    const { sender, sent } = recordingSender((item) => {
      if (item.recipient === "raj.patel@acme.example" && !reachable) {
        throw new UnreachableRecipientError("no Slack user with the email raj.patel@acme.example");
      }
    });
    await deliver(store, sender);
    const waiting = listOutbox(db, "pending").find((i) => i.recipient === "raj.patel@acme.example");
    expect(waiting).toMatchObject({ kind: "owner_message", attempts: 1 });

    // The next scan found something else for Raj (one account left): his waiting message carries it.
    if (waiting?.message?.kind !== "owner_message") throw new Error("Raj's message is not waiting");
    const view = waiting.message.view;
    expect(view.accounts.length).toBeGreaterThan(1);
    const newer = enqueue(db, {
      platform: "slack",
      recipient: "raj.patel@acme.example",
      dedupeKey: "slack:owner:raj.patel@acme.example:newer-content",
      message: { kind: "owner_message", view: { ...view, accounts: view.accounts.slice(0, 1) } },
      now: NOW,
      replacePending: true,
    });
    expect(newer).toBe(waiting.id);
    expect(getOutboxItem(db, waiting.id)).toMatchObject({
      dedupeKey: "slack:owner:raj.patel@acme.example:newer-content",
      attempts: 1,
      failingSince: NOW,
    });

    reachable = true;
    await deliverOutbox({
      store,
      sender,
      now: () => new Date(NOW.getTime() + 3_600_000),
      logger: silentLogger,
    });
    const toRaj = sent.filter((i) => i.recipient === "raj.patel@acme.example");
    expect(toRaj).toHaveLength(1);
    const delivered = toRaj[0]?.message;
    expect(delivered?.kind === "owner_message" && delivered.view.accounts).toHaveLength(1);
  });
});
