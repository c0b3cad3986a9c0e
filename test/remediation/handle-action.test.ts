import { describe, expect, it } from "vitest";
import type { ActionPayload } from "../../src/actions/action-payload.js";
import { silentLogger } from "../../src/logger.js";
import { type ActionRequest, createActionHandler } from "../../src/remediation/handle-action.js";
import { verifyAuditChain } from "../../src/store/audit-log.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { listOpenFindings } from "../../src/store/findings.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

const ADMIN = "secops@acme.example";

async function setup(options: { mode?: "apply" | "dry-run"; now?: () => Date } = {}) {
  const source = await startDemoSource();
  const db = openTempDb();
  const outcome = await scan(db, source.connector);
  const store = createSqliteStore(db);
  const handle = createActionHandler({
    store,
    connectors: source.connectors,
    now: options.now ?? (() => NOW),
    admins: [ADMIN],
    mode: options.mode ?? "apply",
    logger: silentLogger,
  });
  /** The dormant demo account, its owner's email, and a payload as its message showed it. */
  const identity = outcome.inventory.identities.find(
    (i) => i.userName === source.sim.data.scenarios.dormant?.[0],
  )!;
  const rules = (outcome.findings.get(identity.id) ?? []).map((f) => f.rule);
  const payload = (a: ActionPayload["a"], extra: Partial<ActionPayload> = {}): ActionPayload => ({
    a,
    s: "servicenow",
    id: identity.id,
    r: rules,
    ...extra,
  });
  const request = (
    a: ActionPayload["a"],
    email: string | undefined,
    extra: Partial<ActionRequest> = {},
  ): ActionRequest => ({
    actor: { platform: "slack", id: "U1", email },
    payload: payload(a),
    ...extra,
  });
  const simUser = () => {
    const table = source.sim.data.tables.get("sys_user")!;
    return table.rows[table.indexById.get(identity.id)!]!;
  };
  const patches = () => source.sim.requests.filter((r) => r.method === "PATCH").length;
  const audit = (event: string) =>
    db.prepare("SELECT count(*) FROM audit_log WHERE event = ?").pluck().get(event) as number;
  return {
    ...source,
    db,
    handle,
    identity,
    owner: identity.owner!.email!,
    payload,
    request,
    simUser,
    patches,
    audit,
  };
}

describe("handleAction", () => {
  it("lets the owner disable the account: written to ServiceNow, recorded with before and after", async () => {
    const t = await setup();
    const result = await t.handle(t.request("disable", t.owner.toUpperCase()));
    expect(result.status).toBe("done");
    expect(t.simUser()).toMatchObject({ active: "false", locked_out: "true" });
    if (result.status !== "done") return;
    expect(result.decision).toMatchObject({
      action: "disable",
      outcome: "applied",
      actorEmail: t.owner,
      before: { active: true, lockedOut: false },
      after: { active: false, lockedOut: true },
    });
    expect(t.audit("decision.applied")).toBe(1);
    expect(verifyAuditChain(t.db).ok).toBe(true);
  });

  it("refuses anyone else politely, audits the attempt, and changes nothing", async () => {
    const t = await setup();
    const result = await t.handle(t.request("disable", "mallory@acme.example"));
    expect(result).toMatchObject({ status: "refused" });
    // Told who may act, not who the owner is: that stays private to the owner and the admins.
    expect(result.notice).toMatch(/owner or a warden admin can act on it/);
    expect(result.notice).not.toContain(t.owner);
    expect(t.patches()).toBe(0);
    expect(t.simUser().active).toBe("true");
    expect(t.audit("decision.refused")).toBe(1);
    // A chat user without a known email is refused too.
    expect((await t.handle(t.request("disable", undefined))).status).toBe("refused");
  });

  it("lets an admin act on any account", async () => {
    const t = await setup();
    expect((await t.handle(t.request("restrict", ADMIN))).status).toBe("done");
  });

  it("never applies a second click or a retried delivery twice, even at the same time", async () => {
    const t = await setup();
    const [a, b] = await Promise.all([
      t.handle(t.request("disable", t.owner)),
      t.handle(t.request("disable", t.owner)),
    ]);
    expect([a.status, b.status].sort()).toEqual(["done", "duplicate"]);
    const again = await t.handle(t.request("disable", t.owner));
    expect(again.status).toBe("duplicate");
    expect(t.patches()).toBe(1);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(1);
  });

  it("says so when the message is stale instead of acting blindly", async () => {
    const t = await setup();
    const result = await t.handle({
      ...t.request("disable", t.owner),
      payload: t.payload("disable", { r: ["basic_auth"] }),
    });
    expect(result).toMatchObject({ status: "stale", currentRules: ["dormant"] });
    expect(t.patches()).toBe(0);
    expect(t.audit("decision.stale")).toBe(1);
  });

  it("re-reads the account first and does not write a state it already has", async () => {
    const t = await setup();
    await t.connector.apply(t.identity.id, { kind: "disable" });
    const before = t.patches();
    const result = await t.handle(t.request("disable", t.owner));
    expect(result.status === "done" && result.decision.outcome).toBe("already");
    expect(t.patches()).toBe(before);
  });

  it("records but does not write in dry-run mode", async () => {
    const t = await setup({ mode: "dry-run" });
    const result = await t.handle(t.request("disable", t.owner));
    expect(result.status === "done" && result.decision).toMatchObject({
      outcome: "dry_run",
      mode: "dry-run",
      after: { active: false },
    });
    expect(t.patches()).toBe(0);
    expect(t.simUser().active).toBe("true");
  });

  it("undoes a disable within 24 hours by restoring the recorded values, and not after", async () => {
    let clock = NOW.getTime();
    const t = await setup({ now: () => new Date(clock) });
    const done = await t.handle(t.request("disable", t.owner));
    if (done.status !== "done") throw new Error(done.notice);
    clock += 3_600_000;
    const undo = await t.handle({
      ...t.request("undo", t.owner),
      payload: t.payload("undo", { d: done.decision.id }),
    });
    expect(undo.status === "done" && undo.decision).toMatchObject({
      action: "undo",
      outcome: "applied",
      undoesDecisionId: done.decision.id,
    });
    expect(t.simUser()).toMatchObject({ active: "true", locked_out: "false" });

    const again = await t.handle(t.request("disable", t.owner));
    if (again.status !== "done") throw new Error(again.notice);
    clock += 25 * 3_600_000;
    const late = await t.handle({
      ...t.request("undo", t.owner),
      payload: t.payload("undo", { d: again.decision.id }),
    });
    expect(late).toMatchObject({ status: "invalid" });
    expect(late.notice).toMatch(/24 hours/);
    expect(t.simUser().active).toBe("false");
  });

  it("keeps an account only with a reason, for 90 days by default", async () => {
    const t = await setup();
    expect((await t.handle(t.request("keep", t.owner, { reason: "  " }))).status).toBe("invalid");
    const kept = await t.handle(t.request("keep", t.owner, { reason: "quarterly batch job" }));
    expect(kept.status === "done" && kept.decision).toMatchObject({
      reason: "quarterly batch job",
      expiresAt: new Date(NOW.getTime() + 90 * 86_400_000),
    });
    const accepted = t.db
      .prepare("SELECT accepted_until FROM findings WHERE account_id = ?")
      .pluck()
      .all(t.identity.id);
    expect(accepted).toEqual([new Date(NOW.getTime() + 90 * 86_400_000).toISOString()]);
    // Kept is not fixed: the finding stays open.
    expect(listOpenFindings(t.db, { source: "servicenow", accountId: t.identity.id })).toHaveLength(1);
    expect(t.patches()).toBe(0);
  });

  it("shows and records a ServiceNow failure, and marks nothing done that was not done", async () => {
    const t = await setup();
    t.sim.faults.script({ response: 403, path: "/api/now/table/sys_user/" });
    const result = await t.handle(t.request("disable", t.owner));
    expect(result.status).toBe("failed");
    expect(result.notice).toMatch(/403/);
    if (result.status !== "failed") return;
    expect(result.decision).toMatchObject({ outcome: "failed" });
    expect(result.decision.error).toMatch(/403/);
    expect(t.simUser().active).toBe("true");
    expect(t.audit("decision.failed")).toBe(1);
  });
});
