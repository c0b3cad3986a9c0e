import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { NewDecision } from "../../src/store/decisions.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const at = new Date("2026-12-01T09:00:00Z");
const later = new Date("2026-12-01T09:05:00Z");

const click = (accountId: string, extra: Partial<NewDecision> = {}): NewDecision => ({
  source: "servicenow",
  accountId,
  action: "disable",
  actorPlatform: "slack",
  actorId: "U1",
  actorEmail: "raj.patel@acme.example",
  decidedAt: at,
  mode: "apply",
  ...extra,
});

describe.each(STORE_BACKENDS)("decisions and tickets on $name", (backend) => {
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
  const claimedId = async (store: Store, decision: NewDecision) => {
    const claim = await store.decisions.claimDecision(decision);
    if (claim.id === undefined) throw new Error("the account had a pending decision");
    return claim.id;
  };

  it("gives exactly one of many simultaneous clicks on one account the claim; the others see it in progress", async () => {
    const [a, b] = await two();
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).decisions.claimDecision(click("a1", { actorId: `U${i}` })),
      ),
    );
    const won = claims.filter((c) => c.id !== undefined);
    expect(won).toHaveLength(1);
    const winner = won[0]?.id;
    const busy = claims.filter((c) => c.busy !== undefined).map((c) => c.busy);
    expect(busy).toHaveLength(7);
    for (const record of busy)
      expect(record).toMatchObject({ id: winner, outcome: "pending", accountId: "a1" });
    expect((await b.decisions.listPendingDecisions()).map((d) => d.id)).toEqual([winner]);

    // Other accounts claimed at the same time all get theirs.
    const others = await Promise.all(
      ["a2", "a3", "a4", "a5"].map((id, i) => (i % 2 ? a : b).decisions.claimDecision(click(id))),
    );
    expect(others.every((c) => c.id !== undefined)).toBe(true);

    // Once completed, the account can be claimed again, and the settled one is busy no more.
    await a.decisions.completeDecision(winner ?? 0, { outcome: "applied", after: { active: false } });
    const again = await b.decisions.claimDecision(click("a1"));
    expect(again.id).toBeGreaterThan(winner ?? 0);
  });

  it("answers a reused idempotency key with the account's decision that holds it, claiming nothing", async () => {
    const [a, b] = await two();
    const first = await claimedId(a, click("a1", { idempotencyKey: "delivery-1" }));
    await a.decisions.completeDecision(first, { outcome: "applied" });
    const [x, y] = await Promise.all([
      a.decisions.claimDecision(click("a1", { idempotencyKey: "delivery-1" })),
      b.decisions.claimDecision(click("a1", { idempotencyKey: "delivery-1" })),
    ]);
    expect(x.busy).toMatchObject({ id: first, outcome: "applied", idempotencyKey: "delivery-1" });
    expect(y.busy).toMatchObject({ id: first, outcome: "applied" });
    expect(await b.decisions.listPendingDecisions()).toEqual([]);
  });

  it("lets a transaction go on after its claim lost, and refuses a key another account's decision holds", async () => {
    const [a, b] = await two();
    const held = await claimedId(b, click("a1", { idempotencyKey: "delivery-1" }));
    const inside = await a.transaction(async (tx) => {
      const lost = await tx.decisions.claimDecision(click("a1"));
      // The statement that lost did not abort the transaction: it claims another account.
      const other = await tx.decisions.claimDecision(click("a2"));
      return { lost, other };
    });
    expect(inside.lost.busy?.id).toBe(held);
    expect((await b.decisions.getDecision(inside.other.id ?? 0))?.outcome).toBe("pending");
    // The key is unique; an account with no decision has no winner to show, and nothing is claimed.
    await expect(a.decisions.claimDecision(click("a3", { idempotencyKey: "delivery-1" }))).rejects.toThrow();
    expect((await b.decisions.listPendingDecisions()).map((d) => d.accountId)).toEqual(["a1", "a2"]);
  });

  it("reads a decision back field by field, pending with its claimer, then completed", async () => {
    const [a, b] = await two();
    const undone = await claimedId(a, click("a0"));
    await a.decisions.completeDecision(undone, { outcome: "applied" });
    const id = await claimedId(
      a,
      click("a1", {
        action: "undo",
        actorEmail: undefined,
        reason: "back from leave",
        expiresAt: later,
        undoesDecisionId: undone,
        messageId: 42,
        idempotencyKey: "k1",
        mode: "dry-run",
      }),
    );
    const pending = {
      id,
      source: "servicenow",
      accountId: "a1",
      action: "undo",
      actorPlatform: "slack",
      actorId: "U1",
      actorEmail: undefined,
      decidedAt: at,
      mode: "dry-run",
      outcome: "pending",
      before: undefined,
      after: undefined,
      reason: "back from leave",
      expiresAt: later,
      undoesDecisionId: undone,
      idempotencyKey: "k1",
      messageId: 42,
      error: undefined,
    };
    expect(await b.decisions.getDecision(id)).toEqual(pending);
    expect(await b.decisions.listPendingDecisions()).toEqual([
      { ...pending, claimedPid: process.pid, claimedHost: hostname() },
    ]);
    await b.decisions.recordDecisionBefore(id, { active: true, lockedOut: false });
    const done = await a.decisions.completeDecision(id, { outcome: "dry_run", after: { active: false } });
    const completed = {
      ...pending,
      outcome: "dry_run",
      before: { active: true, lockedOut: false },
      after: { active: false },
    };
    expect(done).toEqual(completed);
    expect(await b.decisions.getDecision(id)).toEqual(completed);
    expect(await b.decisions.getDecision(id + 100)).toBeUndefined();
    expect(await b.decisions.listAccountDecisions("servicenow", "a1")).toEqual([
      { action: "undo", actor: "U1", decidedAt: at, outcome: "dry_run", reason: "back from leave" },
    ]);
  });

  it("refuses the values before a write once the decision was settled meanwhile, and completes it once", async () => {
    const [a, b] = await two();
    const id = await claimedId(a, click("a1"));
    // Recovery and the claiming process complete at once: the first wins, both read the winner.
    const [x, y] = await Promise.all([
      a.decisions.completeDecision(id, { outcome: "failed", error: "interrupted" }),
      b.decisions.completeDecision(id, { outcome: "failed", error: "interrupted" }),
    ]);
    expect(x).toEqual(y);
    await b.decisions.completeDecision(id, { outcome: "applied", before: { active: true } });
    await expect(a.decisions.recordDecisionBefore(id, { active: true })).rejects.toMatchObject({
      code: "E_DECISION_SETTLED",
    });
    expect(await b.decisions.getDecision(id)).toMatchObject({
      outcome: "failed",
      error: "interrupted",
      before: undefined,
    });
  });

  it("finds the latest decision that took effect, never a failed or pending one, and lists the account's newest first", async () => {
    const [a, b] = await two();
    expect(await a.decisions.getLatestEffectiveDecision("servicenow", "a1")).toBeUndefined();
    const applied = await claimedId(a, click("a1", { reason: "left" }));
    await a.decisions.completeDecision(applied, { outcome: "applied" });
    const already = await claimedId(b, click("a1", { actorEmail: undefined, actorId: "U2" }));
    await b.decisions.completeDecision(already, { outcome: "already" });
    const failed = await claimedId(a, click("a1"));
    await a.decisions.completeDecision(failed, { outcome: "failed", error: "403" });
    await claimedId(b, click("a1", { decidedAt: later }));
    expect((await b.decisions.getLatestEffectiveDecision("servicenow", "a1"))?.id).toBe(already);
    expect(await a.decisions.getLatestEffectiveDecision("servicenow", "a2")).toBeUndefined();
    expect(await a.decisions.listAccountDecisions("servicenow", "a1")).toEqual([
      {
        action: "disable",
        actor: "raj.patel@acme.example",
        decidedAt: later,
        outcome: "pending",
        reason: undefined,
      },
      {
        action: "disable",
        actor: "raj.patel@acme.example",
        decidedAt: at,
        outcome: "failed",
        reason: undefined,
      },
      { action: "disable", actor: "U2", decidedAt: at, outcome: "already", reason: undefined },
      {
        action: "disable",
        actor: "raj.patel@acme.example",
        decidedAt: at,
        outcome: "applied",
        reason: "left",
      },
    ]);
  });

  it("keeps a ticketed decision's ticket, one open per account, marked done once", async () => {
    const [a, b] = await two();
    const id = await claimedId(a, click("a1", { mode: "ticket" }));
    const ticket = {
      decisionId: id,
      source: "servicenow",
      accountId: "a1",
      table: "incident",
      sysId: "abc123",
      number: "INC0010001",
      url: "https://acme.service-now.com/incident.do?sys_id=abc123",
      openedAt: at,
    };
    await a.transaction(async (tx) => {
      await tx.tickets.recordDecisionTicket(ticket);
      await tx.decisions.completeDecision(id, { outcome: "ticketed" });
    });
    expect(await b.decisions.getDecision(id)).toMatchObject({
      outcome: "ticketed",
      ticket: { ...ticket, doneAt: undefined },
    });
    expect(await b.tickets.getDecisionTicket(id)).toEqual({ ...ticket, doneAt: undefined });
    expect(await b.tickets.getDecisionTicket(id + 1)).toBeUndefined();
    expect(await b.tickets.findOpenTicket("servicenow", "a1")).toEqual({ ...ticket, doneAt: undefined });
    expect(await b.tickets.findOpenTicket("servicenow", "a2")).toBeUndefined();
    // A second open ticket for the account is refused by the database.
    const second = await claimedId(b, click("a1", { mode: "ticket" }));
    await expect(
      b.tickets.recordDecisionTicket({ ...ticket, decisionId: second, number: "INC0010002" }),
    ).rejects.toThrow();
    const other = await claimedId(b, click("a2", { mode: "ticket" }));
    await b.tickets.recordDecisionTicket({
      ...ticket,
      decisionId: other,
      accountId: "a2",
      number: "INC0010003",
    });
    expect((await a.tickets.listOpenTickets()).map((t) => t.number)).toEqual(["INC0010001", "INC0010003"]);

    // Two scans finding the change made at once: one marks it done.
    const marks = await Promise.all([
      a.tickets.markTicketDone(id, later),
      b.tickets.markTicketDone(id, later),
    ]);
    expect(marks.sort()).toEqual([false, true]);
    expect(await a.tickets.getDecisionTicket(id)).toEqual({ ...ticket, doneAt: later });
    expect(await a.tickets.findOpenTicket("servicenow", "a1")).toBeUndefined();
    expect((await b.tickets.listOpenTickets()).map((t) => t.number)).toEqual(["INC0010003"]);
  });

  it("answers the open access reviews that ask about the account, and an Undo reopens them", async () => {
    const [a, b] = await two();
    const sql = (database as BackendDatabase).sql;
    const scan = await a.scans.startScan("servicenow", at);
    await sql(
      `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
       VALUES ('servicenow', 'a1', 'jdoe', 'J Doe', NULL, 1, '{}', ?, ?, ?)`,
      [at.toISOString(), at.toISOString(), scan],
    );
    for (const rule of ["stale_account", "admin_role", "no_owner"]) {
      await sql(
        `INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation, first_seen_at,
           last_seen_at, resolved_at, first_scan_id, last_scan_id)
         VALUES ('servicenow', 'a1', ?, 'high', 's', '[]', 'disable', ?, ?, ?, ?, ?)`,
        [rule, at.toISOString(), at.toISOString(), rule === "no_owner" ? at.toISOString() : null, scan, scan],
      );
    }
    await sql(
      `INSERT INTO review_campaigns (id, source, started_at, due_at, started_by, default_decision, closed_at)
       VALUES (1, 'servicenow', ?, ?, 'admin', 'none', NULL), (2, 'servicenow', ?, ?, 'admin', 'none', ?)`,
      [at.toISOString(), later.toISOString(), at.toISOString(), later.toISOString(), at.toISOString()],
    );
    for (const campaign of [1, 2]) {
      await sql(
        `INSERT INTO review_items (campaign_id, source, account_id, user_name, name, owner_email, findings)
         VALUES (?, 'servicenow', 'a1', 'jdoe', 'J Doe', NULL, '[]')`,
        [campaign],
      );
    }
    // The rules the review asked about, as the list they are (each backend spaces its JSON its own way).
    const items = async () =>
      (
        await sql(
          "SELECT campaign_id, status, decision_id, reviewer, reason, decided_at, findings FROM review_items ORDER BY campaign_id",
        )
      ).map((row) => ({ ...row, findings: JSON.parse(String(row.findings)) as unknown }));
    const certify = await claimedId(
      a,
      click("a1", {
        action: "certify",
        reason: "still needed",
        actorEmail: undefined,
        actorPlatform: "warden",
        actorId: "review default",
      }),
    );
    await b.decisions.completeDecision(certify, { outcome: "applied" });
    expect(await items()).toEqual([
      {
        campaign_id: 1,
        status: "certified",
        decision_id: certify,
        reviewer: "warden (review default)",
        reason: "still needed",
        decided_at: at.toISOString(),
        findings: ["admin_role", "stale_account"],
      },
      {
        campaign_id: 2,
        status: "pending",
        decision_id: null,
        reviewer: null,
        reason: null,
        decided_at: null,
        findings: [],
      },
    ]);
    const undo = await claimedId(b, click("a1", { action: "undo", undoesDecisionId: certify }));
    await a.decisions.completeDecision(undo, { outcome: "applied" });
    expect((await items())[0]).toEqual({
      campaign_id: 1,
      status: "pending",
      decision_id: null,
      reviewer: null,
      reason: null,
      decided_at: null,
      findings: ["admin_role", "stale_account"],
    });
    // A failed decision answers nothing.
    const failed = await claimedId(a, click("a1", { action: "not_mine" }));
    await a.decisions.completeDecision(failed, { outcome: "failed", error: "403" });
    expect((await items())[0]).toMatchObject({ status: "pending" });
    const notMine = await claimedId(
      a,
      click("a1", { action: "not_mine", actorPlatform: "teams", actorEmail: undefined, actorId: "29:x" }),
    );
    await a.decisions.completeDecision(notMine, { outcome: "applied" });
    expect((await items())[0]).toMatchObject({ status: "reassigned", reviewer: "teams:29:x" });
  });
});
