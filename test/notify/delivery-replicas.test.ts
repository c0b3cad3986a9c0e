import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { deliverOutbox, type OutboxSender, RateLimitedError } from "../../src/notify/deliver-outbox.js";
import {
  createDeliveryHolder,
  type DeliveryHolder,
  SEND_CLAIM_LIVE_MS,
} from "../../src/notify/delivery-holder.js";
import type { OutboxItem } from "../../src/store/outbox.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const NOW = new Date("2026-12-01T09:00:00.000Z");

/** Two replicas on two machines (their pids cannot be checked from here). */
const REPLICA_A: DeliveryHolder = { id: "warden-a:1:aaaa", host: "warden-a", pid: 1 };
const REPLICA_B: DeliveryHolder = { id: "warden-b:1:bbbb", host: "warden-b", pid: 1 };

/** A promise and the function that settles it: the tests wait on these, never on time. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A sender recording the ids it sent; `before` runs (and may hold the send) before each. */
function sender(sent: number[], before: (item: OutboxItem) => Promise<void> | void = () => {}): OutboxSender {
  return {
    platform: "slack",
    async send(item) {
      await before(item);
      sent.push(item.id);
      return { ref: { platform: "slack", channel: `D${item.id}`, ts: `${item.id}.0001` } };
    },
  };
}

const run = (store: Store, outboxSender: OutboxSender, holder: DeliveryHolder, now = () => NOW) =>
  deliverOutbox({ store, sender: outboxSender, holder, now, logger: silentLogger, sleep: async () => {} });

describe.each(STORE_BACKENDS)("delivery runs of two replicas on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  async function replicas(messages: number): Promise<{ a: Store; b: Store; ids: number[] }> {
    database = await backend.database();
    const a = await database.connect();
    const b = await database.connect();
    const ids: number[] = [];
    for (let i = 0; i < messages; i++) {
      const id = await a.outbox.enqueue({
        platform: "slack",
        recipient: `owner${i}@acme.example`,
        dedupeKey: `test:${i}`,
        message: { kind: "message_update", view: { outboxId: 1000 + i } },
        now: NOW,
      });
      if (id !== undefined) ids.push(id);
    }
    return { a, b, ids };
  }

  const statuses = async (store: Store, ids: number[]) =>
    Promise.all(ids.map(async (id) => (await store.outbox.getOutboxItem(id))?.status));
  const unknownAudits = async () =>
    (database as BackendDatabase).sql("SELECT id FROM audit_log WHERE event = 'message.unknown'");

  it("send each message once, and neither takes the other's send in flight for interrupted", async () => {
    const { a, b, ids } = await replicas(6);
    const onWire = signal();
    const release = signal();
    const sentByA: number[] = [];
    const sentByB: number[] = [];
    // Replica A holds its first send on the wire until replica B's whole run is over.
    const runA = run(
      a,
      sender(sentByA, async () => {
        if (sentByA.length === 0) {
          onWire.resolve();
          await release.promise;
        }
      }),
      REPLICA_A,
    );
    await onWire.promise;
    const resultB = await run(b, sender(sentByB), REPLICA_B);
    release.resolve();
    const resultA = await runA;

    expect(resultB).toMatchObject({ unknown: 0, sent: 5 });
    expect(resultA).toMatchObject({ unknown: 0, sent: 1 });
    expect([...sentByA, ...sentByB].sort((x, y) => x - y)).toEqual(ids);
    expect(await statuses(a, ids)).toEqual(ids.map(() => "sent"));
    expect(await unknownAudits()).toEqual([]);
    // A claim lives only while its item is being sent.
    expect(await database?.sql("SELECT outbox_id FROM outbox_claims")).toEqual([]);
  });

  it("keep a send waiting out a 429 as claimed, however long the wait", async () => {
    const { a, b, ids } = await replicas(1);
    let clock = NOW;
    const waited = signal();
    const sentByA: number[] = [];
    let calls = 0;
    const runA = deliverOutbox({
      store: a,
      holder: REPLICA_A,
      now: () => clock,
      logger: silentLogger,
      // The platform's Retry-After outlasts how long a claim counts without news.
      sleep: async (ms) => {
        clock = new Date(clock.getTime() + ms);
      },
      sender: sender(sentByA, async () => {
        calls += 1;
        if (calls === 1) throw new RateLimitedError(SEND_CLAIM_LIVE_MS + 60_000);
        // The second try, after the wait: replica B starts a run now.
        waited.resolve();
        expect(await run(b, sender([]), REPLICA_B, () => clock)).toMatchObject({ unknown: 0, sent: 0 });
      }),
    });
    await waited.promise;
    expect(await runA).toMatchObject({ sent: 1, unknown: 0 });
    expect(await statuses(a, ids)).toEqual(["sent"]);
  });

  it("mark unknown only the sends whose process can no longer finish them", async () => {
    const { a, b, ids } = await replicas(6);
    const self = createDeliveryHolder();
    // A pid that was alive a moment ago and has exited.
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    const ago = (ms: number) => new Date(NOW.getTime() - ms);
    const claims = [
      { holder: REPLICA_A.id, host: REPLICA_A.host, pid: 1, at: ago(60_000) }, // sending on another machine
      { holder: REPLICA_A.id, host: REPLICA_A.host, pid: 1, at: ago(SEND_CLAIM_LIVE_MS + 1) }, // silent too long
      { holder: `${self.host}:${deadPid}:dead`, host: self.host, pid: deadPid, at: ago(1_000) }, // exited
      { holder: `${self.host}:${self.pid}:old`, host: self.host, pid: self.pid, at: ago(1_000) }, // an earlier life of this pid
      { holder: self.id, host: self.host, pid: self.pid, at: ago(1_000) }, // this holder's earlier run
    ];
    for (const [i, claim] of claims.entries())
      expect(await b.outbox.claimOutboxItem(ids[i] ?? 0, claim)).toBe(true);
    // Claimed before claims were recorded (schema 24): no claim row.
    expect(await b.outbox.claimOutboxItem(ids[5] ?? 0, { ...claims[0], at: NOW } as (typeof claims)[0])).toBe(
      true,
    );
    await database?.sql("DELETE FROM outbox_claims WHERE outbox_id = ?", [ids[5]]);

    const result = await run(a, sender([]), self);
    expect(result).toMatchObject({ unknown: 5, sent: 0 });
    expect(await statuses(a, ids)).toEqual([
      "sending",
      "unknown",
      "unknown",
      "unknown",
      "unknown",
      "unknown",
    ]);
    expect(await unknownAudits()).toHaveLength(5);
  });
});
