import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ActionPayload } from "../../src/actions/action-payload.js";
import { silentLogger } from "../../src/logger.js";
import { applyDecision } from "../../src/remediation/apply-decision.js";
import { createActionHandler } from "../../src/remediation/handle-action.js";
import { resolvePendingDecisions } from "../../src/remediation/resolve-pending-decisions.js";
import { createServiceNowClient } from "../../src/sources/servicenow/create-servicenow-client.js";
import { verifyAuditChain } from "../../src/store/audit-log.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { createTicketOpener } from "../../src/tickets/open-ticket.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";
import { smallDisk } from "../helpers/fill-disk.js";

const HOUR = 3_600_000;

/** The decision core in ticket mode against the simulated instance over HTTP and a real SQLite file. */
async function setup(options: { dbDir?: string; timeoutMs?: number } = {}) {
  const source = await startDemoSource();
  const db = options.dbDir ? openDatabase(join(options.dbDir, "warden.db")) : openTempDb();
  if (options.dbDir) onTestFinished(() => void db.close());
  const outcome = await scan(db, source.connector);
  const store = createSqliteStore(db);
  const client = createServiceNowClient({
    baseUrl: source.sim.url,
    auth: { kind: "basic", username: "warden", password: "warden-demo" },
    sleep: async () => {},
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const ticketing = {
    open: createTicketOpener(client, { instanceUrl: source.sim.url, table: "incident" }),
    table: "incident",
    fields: {},
    instanceUrl: source.sim.url,
  };
  const handle = createActionHandler({
    store,
    connectors: source.connectors,
    now: () => NOW,
    admins: [],
    mode: "ticket",
    logger: silentLogger,
    ticketing,
  });
  const identity = outcome.inventory.identities.find(
    (i) => i.userName === source.sim.data.scenarios.dormant?.[0],
  )!;
  const rules = (outcome.findings.get(identity.id) ?? []).map((f) => f.rule);
  const click = (a: ActionPayload["a"], extra: Partial<ActionPayload> = {}, reason?: string) =>
    handle({
      actor: { platform: "slack", id: "U1", email: identity.owner!.email! },
      payload: { a, s: "servicenow", id: identity.id, r: rules, ...extra },
      ...(reason ? { reason } : {}),
    });
  const incidents = () => (source.sim.data.tables.get("incident") as { rows: unknown[] }).rows.length;
  const posts = () => source.sim.requests.filter((r) => r.method === "POST").length;
  const column = (sql: string) => db.prepare(sql).pluck().all();
  return { ...source, db, store, click, incidents, posts, column, identity, ticketing };
}

describe("ticket mode's decisions", () => {
  it("Keep and Not mine behave as in apply mode: no ticket", async () => {
    const t = await setup();
    expect((await t.click("keep", {}, "Feeds the nightly export")).status).toBe("done");
    expect(t.posts()).toBe(0);
    expect(t.column("SELECT mode || ':' || outcome FROM decisions")).toEqual(["ticket:applied"]);
  });

  it("a POST that times out is not sent again: the decision fails and says a ticket may exist", async () => {
    const t = await setup({ timeoutMs: 300 });
    t.sim.faults.script({ response: "hang", method: "POST" });
    const result = await t.click("disable");
    expect(result.status).toBe("failed");
    expect(result.notice).toMatch(/one may have been opened in incident, look there before trying again/);
    expect(t.posts()).toBe(1);
    expect(t.column("SELECT outcome FROM decisions")).toEqual(["failed"]);
    expect(t.column("SELECT count(*) FROM decision_tickets")).toEqual([0]);
  });

  it("a disk that fills while the POST is out leaves a pending decision the next start settles as unknown", async () => {
    const disk = smallDisk();
    const t = await setup({ dbDir: disk.dir });
    const held = t.sim.holds.next({ method: "POST" });
    const click = t.click("disable");
    const post = await held;
    const free = disk.fill(t.db);
    await post.release();
    const result = await click;
    expect(result.status).toBe("unavailable");
    expect(result.notice).toMatch(/ticket INC0010001 was opened .*but warden could not record it/);
    expect(t.incidents()).toBe(1);
    free();
    const settled = await resolvePendingDecisions({
      store: t.store,
      connectors: t.connectors,
      now: () => new Date(NOW.getTime() + HOUR),
      logger: silentLogger,
    });
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({
      outcome: "failed",
      error: expect.stringContaining("interrupted while opening a ticket; whether one was opened is unknown"),
    });
    // Nothing was written to the account, and no second ticket was opened by the settling.
    expect(t.sim.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    expect(t.posts()).toBe(1);
    expect(verifyAuditChain(t.db).ok).toBe(true);
  });

  it("a click claimed just after another one opened the account's ticket opens none", async () => {
    const t = await setup();
    expect((await t.click("disable")).status).toBe("done");
    // A second click that passed the handler's check before the first finished, claimed only now.
    const actor = { platform: "slack", id: "U2", email: t.identity.owner!.email! };
    const claim = await t.store.decisions.claimDecision({
      source: "servicenow",
      accountId: t.identity.id,
      action: "disable",
      actorPlatform: actor.platform,
      actorId: actor.id,
      actorEmail: actor.email,
      decidedAt: NOW,
      mode: "ticket",
    });
    const request = { actor, payload: { a: "disable" as const, s: "servicenow", id: t.identity.id, r: [] } };
    const result = await applyDecision({
      store: t.store,
      change: { connector: t.connector, intent: { kind: "disable" }, requires: undefined },
      now: () => NOW,
      mode: "ticket",
      logger: silentLogger,
      request,
      account: t.identity,
      decisionId: claim.id!,
      keepDays: undefined,
      audit: (tx, event, _request, detail) =>
        tx.audit.appendAudit({ at: NOW, event, actor: "slack:U2", subject: t.identity.id, detail }),
      unavailable: async (notice) => ({ status: "unavailable", notice }),
      ticketing: t.ticketing,
    });
    expect(result.status).toBe("duplicate");
    expect(result.notice).toMatch(/ticket INC0010001 is already open for it, so no second ticket was opened/);
    // The message keeps showing the open ticket's decision, not this click's failure.
    expect(result.status === "duplicate" && result.decision.outcome).toBe("ticketed");
    expect(t.posts()).toBe(1);
    expect(t.incidents()).toBe(1);
    expect(t.column("SELECT outcome FROM decisions ORDER BY id")).toEqual(["ticketed", "failed"]);
  });
});
