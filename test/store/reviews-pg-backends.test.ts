import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS, type StoreBackend } from "../helpers/store-backends.js";

const at = new Date("2026-12-01T09:00:00Z");
const due = new Date("2026-12-15T09:00:00Z");
const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);

const campaign = (source: string | undefined = undefined) => ({
  source,
  startedAt: at,
  dueAt: due,
  startedBy: "cli",
  defaultDecision: "none" as const,
});

const item = (accountId: string, ownerEmail: string | undefined, userName = accountId) => ({
  source: "servicenow",
  accountId,
  userName,
  name: `Name of ${accountId}`,
  ownerEmail,
});

const decision = (id: number, accountId: string, action: string, undoesDecisionId?: number) => ({
  id,
  source: "servicenow",
  accountId,
  action,
  reviewer: `r${id}@example.com`,
  reason: action === "certify" ? "still runs the nightly export" : undefined,
  decidedAt: later(id),
  undoesDecisionId,
});

/**
 * Rows the reviews repository reads but other repositories write (findings, outbox, decisions),
 * written with plain SQL on the test's database: `?` placeholders, numbered for PostgreSQL.
 */
async function rawSql(backend: StoreBackend, store: Store, statements: [string, unknown[]][]): Promise<void> {
  if (backend.name === "sqlite") {
    const db = new Database(store.location);
    try {
      for (const [sql, values] of statements) db.prepare(sql).run(...values);
    } finally {
      db.close();
    }
    return;
  }
  // The store shows its URL without the user name: the cluster's, with this test's database.
  const url = new URL(inject("postgresUrl"));
  url.pathname = `/${store.location.split("/").pop()}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const [sql, values] of statements) {
      let n = 0;
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        values,
      );
    }
  } finally {
    await client.end();
  }
}

/** A scan and accounts a1…a4 of servicenow, a1 with open findings (rules out of order) and a resolved one. */
const SEED_FINDINGS: [string, unknown[]][] = [
  [
    "INSERT INTO scans (id, source, started_at, finished_at, status) VALUES (1, 'servicenow', ?, ?, 'succeeded')",
    [at.toISOString(), at.toISOString()],
  ],
  ...["a1", "a2", "a3", "a4"].map((id): [string, unknown[]] => [
    `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
     VALUES ('servicenow', ?, ?, ?, NULL, 1, '{}', ?, ?, 1)`,
    [id, id, id, at.toISOString(), at.toISOString()],
  ]),
  ...(
    [
      ["stale_credential", null],
      ["admin_role", null],
      ["no_owner", at.toISOString()],
    ] as const
  ).map(([rule, resolvedAt]): [string, unknown[]] => [
    `INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation,
       first_seen_at, last_seen_at, resolved_at, first_scan_id, last_scan_id)
     VALUES ('servicenow', 'a1', ?, 'high', 's', '{}', 'r', ?, ?, ?, 1, 1)`,
    [rule, at.toISOString(), at.toISOString(), resolvedAt],
  ]),
];

describe.each(STORE_BACKENDS)("the reviews repository on $name", (backend) => {
  /** A case only PostgreSQL can show (SQLite's single writer cannot interleave them): defined there only. */
  const itOnPostgres = (name: string, fn: () => Promise<void>) => {
    if (backend.name === "postgres") it(name, fn);
  };
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

  /** A ready campaign over a1…a4: a1, a2 of ann, a3 of bob, a4 nobody's. */
  async function started(store: Store) {
    const c = await store.reviews.openReviewCampaign(campaign());
    await store.transaction((tx) =>
      tx.reviews.addReviewItems(c.id, [
        item("a2", "ann@example.com", "zed"),
        item("a1", "ann@example.com", "amy"),
        item("a3", "bob@example.com"),
        item("a4", undefined),
      ]),
    );
    await store.reviews.markReviewCampaignReady(c.id, at);
    return c;
  }

  it("opens a campaign that counts once ready, records each account once with its open rules, closes it, and discards one a crash left unready", async () => {
    const [a, b] = await two();
    await rawSql(backend, a, SEED_FINDINGS);
    const c = await a.reviews.openReviewCampaign(campaign("servicenow"));
    expect(c).toEqual({ ...campaign("servicenow"), id: c.id, closedAt: undefined });
    expect(await b.reviews.getReviewCampaign(c.id)).toBeUndefined();
    expect(await b.reviews.listReviewCampaigns()).toEqual([]);
    await a.reviews.addReviewItems(c.id, [
      item("a1", "ann@example.com"),
      item("a1", "bob@example.com"),
      item("a2", undefined),
    ]);
    await a.reviews.addReviewItems(c.id, []);
    await a.reviews.markReviewCampaignReady(c.id, at);
    expect(await b.reviews.getReviewCampaign(c.id)).toEqual(c);
    const a1 = await b.reviews.getReviewItem(c.id, "servicenow", "a1");
    expect(a1).toEqual({
      campaignId: c.id,
      source: "servicenow",
      accountId: "a1",
      userName: "a1",
      name: "Name of a1",
      ownerEmail: "ann@example.com",
      findings: ["admin_role", "stale_credential"],
      status: "pending",
      decisionId: undefined,
      reviewer: undefined,
      reason: undefined,
      decidedAt: undefined,
      remindedAt: undefined,
      warnedAt: undefined,
      escalatedAt: undefined,
    });
    expect((await b.reviews.getReviewItem(c.id, "servicenow", "a2"))?.findings).toEqual([]);
    expect(await b.reviews.getReviewItem(c.id, "servicenow", "nope")).toBeUndefined();

    await a.reviews.closeReviewCampaign(c.id, later(5));
    await a.reviews.closeReviewCampaign(c.id, later(9));
    expect((await b.reviews.getReviewCampaign(c.id))?.closedAt).toEqual(later(5));
    const second = await started(a);
    expect((await b.reviews.listReviewCampaigns()).map((x) => x.id)).toEqual([second.id, c.id]);
    expect((await b.reviews.listReviewCampaigns({ open: true })).map((x) => x.id)).toEqual([second.id]);
    expect((await b.reviews.listReviewCampaigns({ limit: 1 })).map((x) => x.id)).toEqual([second.id]);

    await a.reviews.closeReviewCampaign(second.id, later(10));
    const crashed = await a.reviews.openReviewCampaign(campaign());
    await a.reviews.addReviewItems(crashed.id, [item("a1", "ann@example.com")]);
    expect(await b.reviews.discardUnreadyCampaigns()).toBe(1);
    expect(await b.reviews.discardUnreadyCampaigns()).toBe(0);
    expect(await b.reviews.getReviewItem(crashed.id, "servicenow", "a1")).toBeUndefined();
    expect((await b.reviews.listReviewCampaigns()).map((x) => x.id)).toEqual([second.id, c.id]);
    expect(await b.reviews.getReviewItem(c.id, "servicenow", "a1")).toBeDefined();
  });

  itOnPostgres(
    "opens one campaign when two replicas start at once; the other is refused as startReview refuses",
    async () => {
      // SQLite's openReviewCampaign does not check: startReview checks just before it, in one process.
      const [a, b] = await two();
      const tries = await Promise.allSettled([
        a.reviews.openReviewCampaign(campaign()),
        b.reviews.openReviewCampaign(campaign("servicenow")),
      ]);
      const opened = tries.filter((t) => t.status === "fulfilled");
      expect(opened).toHaveLength(1);
      const [refused] = tries.filter((t) => t.status === "rejected");
      expect(refused?.reason).toMatchObject({ code: "E_REVIEW_OPEN" });
      expect(String(refused?.reason.message)).toMatch(
        /^Access review #\d+ .*is still open \(due 2026-12-15\)/,
      );
      // Another source's campaign may start beside a source's one; none beside an all-sources one.
      const [id] = opened.map((t) => t.value.id);
      await a.reviews.closeReviewCampaign(id ?? 0, later(1));
      const one = await a.reviews.openReviewCampaign(campaign("servicenow"));
      const other = await b.reviews.openReviewCampaign(campaign("entra"));
      expect(other.id).toBeGreaterThan(one.id);
      await expect(a.reviews.openReviewCampaign(campaign())).rejects.toMatchObject({ code: "E_REVIEW_OPEN" });
    },
  );

  it("answers an account of open campaigns once: certify, Not mine then the new owner's answer, Undo, and never a closed campaign's", async () => {
    const [a, b] = await two();
    await rawSql(backend, a, SEED_FINDINGS);
    const c = await started(a);
    // The account's findings change before it is answered: the answer records them as they are then.
    await rawSql(backend, a, [
      ["UPDATE findings SET resolved_at = ? WHERE rule = 'admin_role'", [later(1).toISOString()]],
    ]);
    expect(await a.reviews.answerReviewItems(decision(1, "a1", "certify"))).toBe(1);
    expect(await b.reviews.answerReviewItems(decision(2, "a1", "disable"))).toBe(0);
    expect(await b.reviews.answerReviewItems(decision(3, "a1", "comment"))).toBe(0);
    expect(await b.reviews.getReviewItem(c.id, "servicenow", "a1")).toMatchObject({
      status: "certified",
      decisionId: 1,
      reviewer: "r1@example.com",
      reason: "still runs the nightly export",
      decidedAt: later(1),
      findings: ["stale_credential"],
    });
    expect(await b.reviews.latestCertification("servicenow", "a1")).toEqual({
      campaignId: c.id,
      reviewer: "r1@example.com",
      reason: "still runs the nightly export",
      at: later(1),
    });
    expect(await b.reviews.latestCertification("servicenow", "a2")).toBeUndefined();
    // Undo of the answering decision reopens it; an Undo of another decision does nothing.
    expect(await a.reviews.answerReviewItems(decision(4, "a1", "undo", 2))).toBe(0);
    expect(await a.reviews.answerReviewItems(decision(5, "a1", "undo", 1))).toBe(1);
    expect(await b.reviews.getReviewItem(c.id, "servicenow", "a1")).toMatchObject({
      status: "pending",
      decisionId: undefined,
      reviewer: undefined,
      reason: undefined,
      decidedAt: undefined,
    });
    // Not mine reassigns; another Not mine does not answer it again; the new owner's Disable does.
    expect(await a.reviews.answerReviewItems(decision(6, "a2", "not_mine"))).toBe(1);
    expect(await a.reviews.answerReviewItems(decision(7, "a2", "not_mine"))).toBe(0);
    expect((await b.reviews.getReviewItem(c.id, "servicenow", "a2"))?.status).toBe("reassigned");
    await a.reviews.markReviewFollowUp(
      { campaignId: c.id, source: "servicenow", accountId: "a3" },
      "warned",
      later(2),
    );
    await a.reviews.setReviewItemOwner(
      { campaignId: c.id, source: "servicenow", accountId: "a3" },
      undefined,
    );
    expect(await b.reviews.getReviewItem(c.id, "servicenow", "a3")).toMatchObject({
      status: "pending",
      ownerEmail: undefined,
      warnedAt: undefined,
    });
    expect(await a.reviews.answerReviewItems(decision(8, "a2", "disable"))).toBe(1);
    expect(await b.reviews.getReviewItem(c.id, "servicenow", "a2")).toMatchObject({
      status: "disabled",
      decisionId: 8,
      reason: undefined,
    });
    // A reassigned account with its new owner goes back to pending, asked again from the start.
    expect(await a.reviews.answerReviewItems(decision(9, "a4", "not_mine"))).toBe(1);
    const a4 = { campaignId: c.id, source: "servicenow", accountId: "a4" };
    await a.reviews.markReviewFollowUp(a4, "reminded", later(3));
    await a.reviews.markReviewFollowUp(a4, "escalated", later(4));
    expect(await b.reviews.getReviewItem(c.id, "servicenow", "a4")).toMatchObject({
      remindedAt: later(3),
      escalatedAt: later(4),
    });
    await a.reviews.setReviewItemOwner(a4, "cy@example.com");
    expect(await b.reviews.getReviewItem(c.id, "servicenow", "a4")).toMatchObject({
      status: "pending",
      ownerEmail: "cy@example.com",
      decisionId: undefined,
      remindedAt: undefined,
      escalatedAt: undefined,
    });
    // A closed campaign's accounts are no longer answered.
    await a.reviews.closeReviewCampaign(c.id, later(10));
    expect(await a.reviews.answerReviewItems(decision(10, "a3", "certify"))).toBe(0);
    expect(await a.reviews.answerReviewItems(decision(11, "a2", "undo", 8))).toBe(0);
  });

  it("answers each account once while two connections answer it at once: the first answer wins", async () => {
    const [a, b] = await two();
    const c = await a.reviews.openReviewCampaign(campaign());
    const ids = Array.from({ length: 20 }, (_, i) => `acct-${String(i).padStart(2, "0")}`);
    await a.reviews.addReviewItems(
      c.id,
      ids.map((id) => item(id, "ann@example.com")),
    );
    await a.reviews.markReviewCampaignReady(c.id, at);
    const answers = await Promise.all(
      ids.flatMap((id, i) => [
        a.reviews.answerReviewItems(decision(100 + i, id, "certify")),
        b.reviews.answerReviewItems(decision(200 + i, id, "disable")),
      ]),
    );
    expect(answers.reduce((sum, n) => sum + n, 0)).toBe(ids.length);
    for (const [i, id] of ids.entries()) {
      const answered = await b.reviews.getReviewItem(c.id, "servicenow", id);
      const winner = answers[2 * i] === 1 ? 100 + i : 200 + i;
      expect(answers[2 * i]! + answers[2 * i + 1]!).toBe(1);
      expect(answered).toMatchObject({
        decisionId: winner,
        status: winner < 200 ? "certified" : "disabled",
        reviewer: `r${winner}@example.com`,
      });
    }
  });

  itOnPostgres(
    "lets an answer waiting on another's uncommitted answer find the account answered",
    async () => {
      // Two SQLite connections of one process cannot hold a transaction open while the other writes.
      const [a, b] = await two();
      const c = await started(a);
      let late: Promise<number> | undefined;
      const first = await a.transaction(async (tx) => {
        const n = await tx.reviews.answerReviewItems(decision(1, "a3", "certify"));
        // Issued while the first answer is not committed: it waits on the row, then re-checks it.
        late = b.reviews.answerReviewItems(decision(2, "a3", "disable"));
        return n;
      });
      expect(first).toBe(1);
      expect(await late).toBe(0);
      expect(await b.reviews.getReviewItem(c.id, "servicenow", "a3")).toMatchObject({
        status: "certified",
        decisionId: 1,
      });
    },
  );

  it("lists a campaign's items by page, by owner, counted per owner and status, and the owners still pending", async () => {
    const [a, b] = await two();
    const c = await started(a);
    const page1 = await b.reviews.listReviewItemsPage(c.id, { limit: 3 });
    expect(page1.map((i) => i.accountId)).toEqual(["a1", "a2", "a3"]);
    const last = page1.at(-1);
    const page2 = await b.reviews.listReviewItemsPage(c.id, {
      after: last && { source: last.source, accountId: last.accountId },
      limit: 3,
    });
    expect(page2.map((i) => i.accountId)).toEqual(["a4"]);
    expect(await b.reviews.listReviewItemsPage(c.id + 1, { limit: 3 })).toEqual([]);
    expect((await b.reviews.listOwnerReviewItems(c.id, "ann@example.com")).map((i) => i.userName)).toEqual([
      "amy",
      "zed",
    ]);
    expect((await b.reviews.listOwnerReviewItems(c.id, undefined)).map((i) => i.accountId)).toEqual(["a4"]);
    expect(await b.reviews.listPendingReviewOwners(c.id)).toEqual(["ann@example.com", "bob@example.com"]);
    await a.reviews.answerReviewItems(decision(1, "a3", "certify"));
    await a.reviews.answerReviewItems(decision(2, "a1", "disable"));
    expect(await b.reviews.listPendingReviewOwners(c.id)).toEqual(["ann@example.com"]);
    expect(await b.reviews.countReviewItems(c.id)).toEqual([
      { ownerEmail: undefined, status: "pending", count: 1 },
      { ownerEmail: "ann@example.com", status: "disabled", count: 1 },
      { ownerEmail: "ann@example.com", status: "pending", count: 1 },
      { ownerEmail: "bob@example.com", status: "certified", count: 1 },
    ]);
  });

  it("records review messages once, lists them, the accounts not asked yet, and the sent ones to reply under", async () => {
    const [a, b] = await two();
    const c = await started(a);
    const outbox = (
      id: number,
      platform: string,
      kind: string,
      status: string,
      ref: string | null,
    ): [string, unknown[]] => [
      `INSERT INTO outbox (id, platform, kind, recipient, dedupe_key, payload, status, created_at, sent_at, message_ref)
       VALUES (?, ?, ?, 'ann@example.com', ?, '{}', ?, ?, ?, ?)`,
      [
        id,
        platform,
        kind,
        `k${id}`,
        status,
        at.toISOString(),
        status === "sent" ? later(id).toISOString() : null,
        ref,
      ],
    ];
    await rawSql(backend, a, [
      outbox(1, "slack", "review_request", "sent", JSON.stringify({ channel: "D1", ts: "1.1" })),
      outbox(
        2,
        "teams",
        "review_request",
        "sent",
        JSON.stringify({ conversationId: "c", activityId: "x", serviceUrl: "https://smba" }),
      ),
      outbox(3, "slack", "review_request", "pending", null),
      outbox(4, "slack", "review_request", "sent", JSON.stringify({ channel: "D1" })),
      outbox(5, "slack", "reminder", "sent", JSON.stringify({ channel: "D1", ts: "5.5" })),
      outbox(6, "slack", "review_request", "sent", "not json"),
      [
        "INSERT INTO message_accounts (outbox_id, source, account_id, rules) VALUES (1, 'servicenow', 'a2', 0)",
        [],
      ],
      [
        "INSERT INTO message_accounts (outbox_id, source, account_id, rules) VALUES (2, 'servicenow', 'a1', 0)",
        [],
      ],
    ]);
    for (const outboxId of [6, 5, 4, 3, 2, 1, 1]) {
      await (outboxId % 2 ? a : b).reviews.recordReviewMessage({
        campaignId: c.id,
        platform: outboxId === 2 ? "teams" : "slack",
        recipient: "ann@example.com",
        outboxId,
      });
    }
    const slack = { campaignId: c.id, platform: "slack", recipient: "ann@example.com" };
    expect(await b.reviews.listReviewMessages(slack)).toEqual([1, 3, 4, 5, 6]);
    expect(await b.reviews.listReviewMessages({ ...slack, platform: "teams" })).toEqual([2]);
    expect(await b.reviews.listReviewMessages({ ...slack, recipient: "bob@example.com" })).toEqual([]);
    const unasked = await b.reviews.listUnaskedReviewItems({ ...slack, ownerEmail: "ann@example.com" });
    expect(unasked.map((i) => i.accountId)).toEqual(["a1"]);
    const onTeams = await b.reviews.listUnaskedReviewItems({
      ...slack,
      platform: "teams",
      ownerEmail: "ann@example.com",
    });
    expect(onTeams.map((i) => i.accountId)).toEqual(["a2"]);
    const admins = { campaignId: c.id, platform: "slack", recipient: "C-admins", ownerEmail: undefined };
    expect((await b.reviews.listUnaskedReviewItems(admins)).map((i) => i.accountId)).toEqual(["a4"]);
    await a.reviews.answerReviewItems(decision(1, "a1", "certify"));
    expect(await b.reviews.listUnaskedReviewItems({ ...slack, ownerEmail: "ann@example.com" })).toEqual([]);
    expect(await b.reviews.listSentReviewMessages(c.id, "ann@example.com")).toEqual([
      {
        outboxId: 1,
        platform: "slack",
        sentAt: later(1),
        ref: { platform: "slack", channel: "D1", ts: "1.1" },
      },
      {
        outboxId: 2,
        platform: "teams",
        sentAt: later(2),
        ref: { platform: "teams", conversationId: "c", activityId: "x", serviceUrl: "https://smba" },
      },
    ]);
    expect(await b.reviews.listSentReviewMessages(c.id + 1, "ann@example.com")).toEqual([]);
  });

  it("pages the report with each answer's decision outcome and ticket", async () => {
    const [a, b] = await two();
    const c = await started(a);
    const decisionRow = (
      id: number,
      accountId: string,
      action: string,
      outcome: string,
    ): [string, unknown[]] => [
      `INSERT INTO decisions (id, source, account_id, action, actor_platform, actor_id, decided_at, mode, outcome)
       VALUES (?, 'servicenow', ?, ?, 'slack', 'U1', ?, ?, ?)`,
      [id, accountId, action, at.toISOString(), outcome === "ticketed" ? "ticket" : "apply", outcome],
    ];
    await rawSql(backend, a, [
      decisionRow(1, "a1", "certify", "applied"),
      decisionRow(2, "a2", "disable", "ticketed"),
      [
        `INSERT INTO decision_tickets (decision_id, source, account_id, ticket_table, sys_id, number, url, opened_at)
         VALUES (2, 'servicenow', 'a2', 'sc_task', 's', 'SCTASK0010001', 'https://t', ?)`,
        [at.toISOString()],
      ],
    ]);
    await a.reviews.answerReviewItems(decision(1, "a1", "certify"));
    await a.reviews.answerReviewItems(decision(2, "a2", "disable"));
    const page1 = await b.reviews.listReviewReportPage(c.id, { limit: 2 });
    expect(page1.map((r) => [r.accountId, r.status, r.outcome, r.ticket])).toEqual([
      ["a1", "certified", "applied", undefined],
      ["a2", "disabled", "ticketed", "SCTASK0010001"],
    ]);
    expect(page1[0]).toMatchObject({
      decisionId: 1,
      reviewer: "r1@example.com",
      ownerEmail: "ann@example.com",
    });
    const page2 = await b.reviews.listReviewReportPage(c.id, {
      after: { source: "servicenow", accountId: "a2" },
      limit: 5,
    });
    expect(page2.map((r) => [r.accountId, r.status, r.outcome, r.ticket])).toEqual([
      ["a3", "pending", undefined, undefined],
      ["a4", "pending", undefined, undefined],
    ]);
  });
});
