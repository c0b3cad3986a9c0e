import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const at = new Date("2026-12-01T09:00:00Z");

describe.each(STORE_BACKENDS)("the store port on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });
  /** Two connections to one new database: two processes, or two replicas. */
  async function two(): Promise<[Store, Store]> {
    database = await backend.database();
    return [await database.connect(), await database.connect()];
  }

  it("keeps the audit chain linear and verifiable while two connections append at once", async () => {
    const [a, b] = await two();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).audit.appendAudit({
          at,
          event: "test.append",
          actor: i % 2 ? "a" : "b",
          subject: `n:${i}`,
          detail: { i, text: 'ünïcode <&> "quoted"' },
        }),
      ),
    );
    expect(await a.audit.verifyAuditChain()).toEqual({ ok: true, entries: 40 });
    expect(await b.audit.verifyAuditChain()).toEqual({ ok: true, entries: 40 });
    const head = await b.audit.auditHead();
    expect(head?.id).toBeTypeOf("number");
    expect(head?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await a.audit.lastEventAt("test.append")).toEqual(at);
    expect(await a.audit.lastEventAt("never.happened")).toBeUndefined();
  });

  it("lets exactly one of two simultaneous scan claims start, and records a failure with its audit entry", async () => {
    const [a, b] = await two();
    const claims = await Promise.all([
      a.scans.claimScan("servicenow", at),
      b.scans.claimScan("servicenow", at),
    ]);
    const started = claims.filter((c) => c.id !== undefined);
    expect(started).toHaveLength(1);
    const [refused] = claims.filter((c) => c.running !== undefined);
    expect(refused?.running).toMatchObject({ id: started[0]?.id, status: "running", source: "servicenow" });
    const scanId = started[0]?.id ?? 0;
    await b.scans.recordScanFailure({ scanId, source: "servicenow", at, reason: "instance hibernating" });
    expect(await a.scans.findRunningScan(at)).toBeUndefined();
    expect(await a.audit.lastEventAt("scan.failed")).toEqual(at);
    // With nothing running, the next claim starts a new scan.
    const next = await a.scans.claimScan("servicenow", at);
    expect(next.id).toBeGreaterThan(scanId);
  });

  it("counts a scan on another machine as running while it beats, and claims past it once it stops", async () => {
    const [a] = await two();
    const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);
    // Another replica's scan: its process id means nothing here, only its heartbeat does.
    await database?.sql(
      "INSERT INTO scans (source, started_at, status, pid, host) VALUES (?, ?, 'running', 1, ?)",
      ["servicenow", at.toISOString(), "replica-elsewhere"],
    );
    await database?.sql("INSERT INTO scan_heartbeats (scan_id, beat_at) SELECT max(id), ? FROM scans", [
      at.toISOString(),
    ]);
    const refused = await a.scans.claimScan("servicenow", later(60));
    expect(refused.running?.startedAt).toEqual(at);
    const id = refused.running?.id ?? 0;
    await a.scans.beatScan(id, later(80));
    expect((await a.scans.claimScan("servicenow", later(160))).running?.id).toBe(id);
    // No beat for more than 90 seconds: that replica died; a new scan may start.
    expect(await a.scans.findRunningScan(later(175))).toBeUndefined();
    const claimed = await a.scans.claimScan("servicenow", later(175));
    expect(claimed.id).toBeGreaterThan(id);
  });

  it("gives every connection the same secret, created once", async () => {
    const [a, b] = await two();
    const [x, y] = await Promise.all([
      a.settings.getOrCreateSecret("modal.key"),
      b.settings.getOrCreateSecret("modal.key"),
    ]);
    expect(x.length).toBe(32);
    expect(y.equals(x)).toBe(true);
    expect((await a.settings.getOrCreateSecret("other.key")).equals(x)).toBe(false);
  });

  it("ties the database to one instance: the same again is fine, another is refused unless allowed, and the move is audited", async () => {
    const [a, b] = await two();
    const claim = (store: Store, instance: string, allowChange = false) =>
      store.settings.claimSourceInstance({ instance, allowChange, dbPath: "the test database", at });
    const first = await Promise.all([
      claim(a, "https://acme.service-now.com"),
      claim(b, "https://acme.service-now.com"),
    ]);
    expect(first.map((c) => c.kind).sort()).toEqual(["recorded", "same"]);
    expect(await b.settings.getSourceInstance()).toBe("https://acme.service-now.com");
    await expect(claim(a, "https://other.service-now.com")).rejects.toMatchObject({
      code: "E_STORE_INSTANCE_CHANGED",
    });
    expect(await claim(b, "https://other.service-now.com", true)).toEqual({
      kind: "changed",
      previous: "https://acme.service-now.com",
    });
    expect(await a.audit.lastEventAt("source.instance_changed")).toEqual(at);
    expect(await a.audit.verifyAuditChain()).toEqual({ ok: true, entries: 1 });
  });

  it("commits a transaction's writes together, rolls them all back when its body fails, and refuses use after it ended", async () => {
    const [a, b] = await two();
    await a.transaction(async (tx) => {
      await tx.audit.appendAudit({ at, event: "test.one", detail: {} });
      await tx.transaction(async (nested) => nested.audit.appendAudit({ at, event: "test.two", detail: {} }));
    });
    expect(await b.audit.verifyAuditChain()).toEqual({ ok: true, entries: 2 });
    let leaked: Store["audit"] | undefined;
    await expect(
      a.transaction(async (tx) => {
        leaked = tx.audit;
        await tx.audit.appendAudit({ at, event: "test.three", detail: {} });
        await tx.scans.startScan("servicenow", at);
        throw new Error("the source refused");
      }),
    ).rejects.toThrow("the source refused");
    expect(await b.audit.lastEventAt("test.three")).toBeUndefined();
    expect(await b.scans.findRunningScan(at)).toBeUndefined();
    const late = leaked?.appendAudit({ at, event: "test.late", detail: {} });
    await expect(late).rejects.toBeInstanceOf(StoreError);
    await expect(late).rejects.toMatchObject({ code: "E_STORE_TX_ENDED" });
    expect(await b.audit.verifyAuditChain()).toEqual({ ok: true, entries: 2 });
  });
});
