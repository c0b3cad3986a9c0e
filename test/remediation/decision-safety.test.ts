import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ActionPayload } from "../../src/actions/action-payload.js";
import { silentLogger } from "../../src/logger.js";
import { type ActionRequest, createActionHandler } from "../../src/remediation/handle-action.js";
import { resolvePendingDecisions } from "../../src/remediation/resolve-pending-decisions.js";
import { verifyAuditChain } from "../../src/store/audit-log.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { listOpenFindings } from "../../src/store/findings.js";
import { openDatabase } from "../../src/store/open-database.js";
import { enqueue, recordMessageAccounts, setOutboxStatus } from "../../src/store/outbox.js";
import type { Store } from "../../src/store/store.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";
import { smallDisk } from "../helpers/fill-disk.js";

const ADMIN = "secops@acme.example";
const HOUR = 3_600_000;

/**
 * The decision core against the simulated ServiceNow over HTTP and a real SQLite file: the
 * dormant demo account, its owner, and helpers to click as them.
 */
async function setup(
  options: {
    timeoutMs?: number;
    dbDir?: string;
    /** The store the handler is given, built on the real one (to make one of its writes fail). */
    wrapStore?: (store: Store) => Store;
  } = {},
) {
  const source = await startDemoSource(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
  const db = options.dbDir ? openDatabase(join(options.dbDir, "warden.db")) : openTempDb();
  if (options.dbDir) onTestFinished(() => void db.close());
  const outcome = await scan(db, source.connector);
  let clock = NOW.getTime();
  const store = createSqliteStore(db);
  const handle = createActionHandler({
    store: options.wrapStore ? options.wrapStore(store) : store,
    connectors: source.connectors,
    now: () => new Date(clock),
    admins: [ADMIN],
    mode: "apply",
    logger: silentLogger,
  });
  const identity = outcome.inventory.identities.find(
    (i) => i.userName === source.sim.data.scenarios.dormant?.[0],
  )!;
  const rules = (outcome.findings.get(identity.id) ?? []).map((f) => f.rule);
  const owner = identity.owner!.email!;
  const click = (
    a: ActionPayload["a"],
    extra: Partial<ActionPayload> = {},
    request: Partial<ActionRequest> = {},
  ) =>
    handle({
      actor: { platform: "slack", id: "U1", email: owner },
      payload: { a, s: "servicenow", id: identity.id, r: rules, ...extra },
      ...request,
    });
  const sysUser = () => {
    const table = source.sim.data.tables.get("sys_user")!;
    return table.rows[table.indexById.get(identity.id)!]!;
  };
  const patches = () => source.sim.requests.filter((r) => r.method === "PATCH").length;
  const count = (sql: string, ...params: unknown[]) =>
    db
      .prepare(sql)
      .pluck()
      .get(...params) as number;
  return {
    ...source,
    db,
    store,
    handle,
    identity,
    owner,
    click,
    sysUser,
    patches,
    count,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("Undo and old buttons", () => {
  it("undoes only the latest decision, only once, and the buttons offered again work", async () => {
    const t = await setup();
    const first = await t.click("disable");
    if (first.status !== "done") throw new Error(first.notice);
    const undo = await t.click("undo", { d: first.decision.id });
    expect(undo.status).toBe("done");
    expect(t.sysUser()).toMatchObject({ active: "true", locked_out: "false" });

    // The same Undo again, from this message or any copy of it: nothing more happens.
    const undoAgain = await t.click("undo", { d: first.decision.id });
    expect(undoAgain.status).toBe("duplicate");

    // After the Undo the Disable button is offered again, and it works.
    const second = await t.click("disable");
    expect(second.status).toBe("done");
    expect(t.sysUser().active).toBe("false");
    if (second.status !== "done") return;
    // The first disable is no longer the latest decision: its Undo button is dead.
    const stale = await t.click("undo", { d: first.decision.id });
    expect(stale).toMatchObject({ status: "invalid" });
    expect(stale.notice).toMatch(/latest decision/);
    expect(t.sysUser().active).toBe("false");
    expect((await t.click("undo", { d: second.decision.id })).status).toBe("done");
    expect(t.sysUser().active).toBe("true");
    expect(t.patches()).toBe(4);
    expect(verifyAuditChain(t.db).ok).toBe(true);
  });

  it("does not undo over a change made in ServiceNow since the decision", async () => {
    const t = await setup();
    const done = await t.click("disable");
    if (done.status !== "done") throw new Error(done.notice);
    // Someone unlocks the account in ServiceNow (still inactive) after warden disabled it.
    await t.connector.apply(t.identity.id, { kind: "restore", values: { lockedOut: false } });
    const before = t.patches();
    const undo = await t.click("undo", { d: done.decision.id });
    expect(undo.status).toBe("failed");
    expect(undo.notice).toMatch(/changed in the source since/);
    expect(t.patches()).toBe(before);
    expect(t.sysUser()).toMatchObject({ active: "false", locked_out: "false" });
  });

  it("lets a failed decision be tried again, and says what failed", async () => {
    const t = await setup();
    t.sim.faults.script({ response: 403, method: "PATCH" });
    const failed = await t.click("disable");
    expect(failed.status).toBe("failed");
    expect(failed.notice).toMatch(/403/);
    expect(failed.notice).toMatch(/try again/);
    const retry = await t.click("disable");
    expect(retry.status).toBe("done");
    expect(t.sysUser().active).toBe("false");
    const outcomes = t.db.prepare("SELECT outcome FROM decisions ORDER BY id").pluck().all();
    expect(outcomes).toEqual(["failed", "applied"]);
  });
});

describe("one write per intent", () => {
  it("after a 504 from a write that landed, re-reads instead of writing again and records it applied", async () => {
    const t = await setup();
    t.sim.faults.script({ response: 504, method: "PATCH", afterApplying: true });
    const result = await t.click("disable");
    expect(t.patches()).toBe(1);
    expect(result.status).toBe("done");
    if (result.status !== "done") return;
    expect(result.decision).toMatchObject({ outcome: "applied", after: { active: false, lockedOut: true } });
  });

  it("after a dropped connection on a write that did not land, records what ServiceNow holds: not applied", async () => {
    const t = await setup();
    t.sim.faults.script({ response: "reset", method: "PATCH" });
    const result = await t.click("disable");
    expect(t.patches()).toBe(1);
    expect(result.status).toBe("failed");
    if (result.status !== "failed") return;
    expect(result.decision.after).toMatchObject({ active: true });
    expect(result.decision.error).toMatch(/does not show the change/);
    expect(t.sysUser().active).toBe("true");
  });

  it("after a timeout on a write, re-reads and decides from the real state", async () => {
    const t = await setup({ timeoutMs: 500 });
    t.sim.faults.script({ response: "hang", method: "PATCH" });
    const result = await t.click("disable");
    expect(t.patches()).toBe(1);
    expect(result.status).toBe("failed");
    expect(result.notice).toMatch(/does not show the change/);
  });

  it("lets exactly one of an owner and an admin acting at once write", async () => {
    const t = await setup();
    const held = t.sim.holds.next({ method: "GET", path: `/sys_user/${t.identity.id}` });
    const ownerClick = t.click("disable");
    const read = await held; // the owner's decision is claimed and its re-read is at ServiceNow
    const adminClick = await t.handle({
      actor: { platform: "teams", id: "29:admin", email: ADMIN },
      payload: { a: "disable", s: "servicenow", id: t.identity.id, r: ["dormant"] },
    });
    expect(adminClick.status).toBe("duplicate");
    expect(adminClick.notice).toMatch(/already being done/);
    await read.release();
    expect((await ownerClick).status).toBe("done");
    expect(t.patches()).toBe(1);
    expect(t.count("SELECT count(*) FROM decisions WHERE outcome = 'applied'")).toBe(1);
    expect(t.count("SELECT count(*) FROM audit_log WHERE event = 'decision.duplicate'")).toBe(1);
  });
});

describe("crash-safe records", () => {
  it("refuses a click it cannot record before writing anything to ServiceNow", async () => {
    const disk = smallDisk();
    const t = await setup({ dbDir: disk.dir });
    const free = disk.fill(t.db);
    const result = await t.click("disable");
    expect(result.status).toBe("unavailable");
    expect(result.notice).toMatch(/cannot record decisions right now/);
    expect(t.patches()).toBe(0);
    expect(t.sysUser().active).toBe("true");
    free();
    expect((await t.click("disable")).status).toBe("done");
  });

  it("refuses a click when the database file was deleted under it, before writing to ServiceNow", async () => {
    const t = await setup();
    const path = t.db.name;
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
    const result = await t.click("disable");
    expect(result.status).toBe("unavailable");
    expect(result.notice).toMatch(/deleted/);
    expect(t.patches()).toBe(0);
  });

  it("a Keep whose audit entry cannot be written accepts nothing: its completion is one transaction", async () => {
    // The audit log refuses the completion's entry; everything written before it in that
    // transaction (the acceptance, the decision's outcome) must be rolled back with it.
    const t = await setup({
      wrapStore: (store) => ({
        ...store,
        transaction: (fn) =>
          store.transaction((tx) =>
            fn({
              ...tx,
              audit: {
                ...tx.audit,
                appendAudit: async () => {
                  throw new Error("disk I/O error");
                },
              },
            }),
          ),
      }),
    });
    const open = () => listOpenFindings(t.db, { source: "servicenow", accountId: t.identity.id });
    expect(open().length).toBeGreaterThan(0);
    const result = await t.click("keep", {}, { reason: "month-end batch", keepDays: 30 });
    expect(result.status).toBe("unavailable");
    expect(result.notice).toMatch(
      /cannot record decisions right now \(the database refused the write: disk I\/O error\)/,
    );
    expect(open().filter((f) => f.acceptedUntil !== undefined)).toEqual([]);
    expect(t.count("SELECT count(*) FROM decisions WHERE outcome = 'pending'")).toBe(1);
    expect(t.count("SELECT count(*) FROM decisions WHERE outcome <> 'pending'")).toBe(0);
    expect(t.count("SELECT count(*) FROM audit_log WHERE event = 'decision.applied'")).toBe(0);
  });

  it("a disk that fills while the write is at ServiceNow leaves a pending decision the next start settles", async () => {
    const disk = smallDisk();
    const t = await setup({ dbDir: disk.dir });
    const held = t.sim.holds.next({ method: "PATCH" });
    const click = t.click("disable");
    const patch = await held;
    const free = disk.fill(t.db);
    await patch.release();
    const result = await click;
    expect(result.status).toBe("unavailable");
    expect(result.notice).toMatch(/could not record it/);
    expect(t.sysUser().active).toBe("false");
    expect(t.count("SELECT count(*) FROM decisions WHERE outcome = 'pending'")).toBe(1);
    free();
    // The next start: a claim this old can no longer be in progress.
    t.advance(HOUR);
    const settled = await resolvePendingDecisions({
      store: t.store,
      connectors: t.connectors,
      now: () => new Date(NOW.getTime() + HOUR),
      logger: silentLogger,
    });
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ outcome: "applied", after: { active: false, lockedOut: true } });
    expect(t.count("SELECT count(*) FROM audit_log WHERE event = 'decision.recovered'")).toBe(1);
    expect(t.patches()).toBe(1);
    expect(verifyAuditChain(t.db).ok).toBe(true);
  });

  it("settles an interrupted decision once when two settlers run at once (start and a catch-up notify)", async () => {
    const disk = smallDisk();
    const t = await setup({ dbDir: disk.dir });
    const held = t.sim.holds.next({ method: "PATCH" });
    const click = t.click("disable");
    const patch = await held;
    const free = disk.fill(t.db);
    await patch.release();
    expect((await click).status).toBe("unavailable");
    free();
    t.advance(HOUR);
    const settle = () =>
      resolvePendingDecisions({
        store: t.store,
        connectors: t.connectors,
        now: () => new Date(NOW.getTime() + HOUR),
        logger: silentLogger,
      });
    // Both list the decision as pending before either has read the account back.
    const [first, second] = await Promise.all([settle(), settle()]);
    expect([...first, ...second]).toHaveLength(1);
    expect(t.count("SELECT count(*) FROM audit_log WHERE event = 'decision.recovered'")).toBe(1);
    expect(t.count("SELECT count(*) FROM decisions WHERE outcome = 'applied'")).toBe(1);
    expect(verifyAuditChain(t.db).ok).toBe(true);
  });
});

describe("untrusted payloads", () => {
  it("refuses a button that names a message it does not belong to, and audits it", async () => {
    const t = await setup();
    // A message warden sent about another account.
    const other = t.db
      .prepare("SELECT id FROM accounts WHERE id != ? LIMIT 1")
      .pluck()
      .get(t.identity.id) as string;
    const outboxId = enqueue(t.db, {
      platform: "slack",
      recipient: t.owner,
      dedupeKey: "other",
      message: {
        kind: "owner_message",
        view: {
          owner: { id: "", userName: t.owner, name: t.owner, email: t.owner, active: true },
          accounts: [],
        },
      },
      now: NOW,
    })!;
    setOutboxStatus(t.db, outboxId, "pending", "sent", {
      sentAt: NOW,
      ref: { platform: "slack", channel: "DRAJ", ts: "1.1" },
    });
    recordMessageAccounts(t.db, outboxId, [{ source: "servicenow", accountId: other, rules: ["dormant"] }]);
    const forged = await t.click(
      "disable",
      { m: outboxId },
      { origin: { conversation: "DRAJ", message: "1.1" } },
    );
    expect(forged.status).toBe("invalid");
    expect(t.patches()).toBe(0);
    expect(t.count("SELECT count(*) FROM audit_log WHERE event = 'decision.invalid'")).toBe(1);

    // The right message, clicked somewhere else: refused too.
    recordMessageAccounts(t.db, outboxId, [
      { source: "servicenow", accountId: t.identity.id, rules: ["dormant"] },
    ]);
    const elsewhere = await t.click(
      "disable",
      { m: outboxId },
      { origin: { conversation: "DRAJ", message: "9.9" } },
    );
    expect(elsewhere.status).toBe("invalid");
    const right = await t.click(
      "disable",
      { m: outboxId },
      { origin: { conversation: "DRAJ", message: "1.1" } },
    );
    expect(right.status).toBe("done");
    if (right.status === "done") expect(right.decision.messageId).toBe(outboxId);
  });

  it("keeps for 1 to 365 days, and refuses anything else the client sends", async () => {
    const t = await setup();
    for (const keepDays of [0, 366, 100_000, -5, 2.5, "forever"]) {
      const result = await t.click("keep", {}, { reason: "batch", keepDays });
      expect(result.status).toBe("invalid");
      expect(result.notice).toMatch(/1 to 365 days/);
    }
    const kept = await t.click("keep", {}, { reason: "yearly audit export", keepDays: "365" });
    expect(kept.status === "done" && kept.decision.expiresAt).toEqual(
      new Date(NOW.getTime() + 365 * 86_400_000),
    );
  });
});
