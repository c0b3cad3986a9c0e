import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners, postDigest } from "../../src/app/post-digest.js";
import { sendReviewMessages } from "../../src/app/send-review-messages.js";
import { runAuditCommand } from "../../src/audit/run-audit-command.js";
import { silentLogger } from "../../src/logger.js";
import { buildDigest } from "../../src/messages/build-digest.js";
import { buildLookup } from "../../src/messages/build-lookup.js";
import { buildOwnerMessages } from "../../src/messages/build-owner-messages.js";
import { createActionHandler } from "../../src/remediation/handle-action.js";
import { runReviewCommand } from "../../src/reviews/run-review-command.js";
import { startReview } from "../../src/reviews/start-review.js";
import { runScan } from "../../src/scan/run-scan.js";
import { recordStatements } from "../helpers/record-statements.js";
import {
  appHomeOpenedBody,
  blockActionsPayload,
  homeActionsBody,
  payloadBody,
  viewSubmissionBody,
} from "../helpers/sign-slack.js";
import { type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  teamInstall,
} from "../helpers/teams-activities.js";
import { tempDir } from "../helpers/temp-db.js";

/**
 * Every statement warden prepares while it runs its commands and handles clicks must read an
 * index, never a whole table that grows with the instance: at 100,000 identities a full read of
 * accounts, findings, the outbox or the audit log takes a noticeable fraction of a second and
 * blocks the event loop (every better-sqlite3 call is synchronous).
 *
 * The statements are not listed by hand: they are recorded from warden's own connection while the
 * real paths run (scan with retention, owner messages, follow-ups, digests, lookups, Slack and
 * Teams clicks, the audit commands), then each is explained with EXPLAIN QUERY PLAN
 * (https://www.sqlite.org/eqp.html). warden never runs ANALYZE, so SQLite plans without
 * statistics (sqlite_stat1), assuming every table is large: the plan seen here on a small database
 * is the plan used at any size (https://www.sqlite.org/optoverview.html#manual_control_of_query_plans_using_sqlite_stat_tables).
 * The test checks that assumption too. Triggers and foreign-key checks are not part of a plan;
 * the indexes they need are created with them (migrations 5 and 11).
 */

/** Tables that grow with the instance or with time. */
const GROWING = new Set([
  "accounts",
  "findings",
  "outbox",
  "message_accounts",
  "decisions",
  "audit_log",
  "scans",
  "chat_users",
  "conversation_refs",
  "owner_overrides",
  "digests",
  "review_campaigns",
  "review_items",
  "review_messages",
]);

/**
 * Statements that read a whole growing table, or a part the plan does not bound, on purpose: each
 * with why. Matched against the statement's text (whitespace folded).
 */
const WHOLE_TABLE_READS: { pattern: RegExp; why: string }[] = [
  {
    pattern: /^SELECT id FROM review_campaigns WHERE ready_at IS NULL$/,
    why: "a scan of the partial index review_campaigns_unready: it holds only campaigns a crash interrupted while starting",
  },
  {
    pattern: /^SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1$/,
    why: "the chain's head: the newest row in rowid order, one row read",
  },
  {
    pattern: /^SELECT max\(id\) FROM outbox$/,
    why: "retention keeps the outbox's newest row (its id is never reused): max(rowid) is one step",
  },
  {
    pattern: /^SELECT \* FROM audit_log ORDER BY id$/,
    why: "warden audit --verify recomputes every hash of the chain",
  },
  {
    pattern:
      /^SELECT [dl]\.\*, a\.user_name FROM (decisions d|audit_log l) LEFT JOIN accounts a .* WHERE @since IS NULL OR/,
    why: "warden audit export: every entry (or every entry since --since), streamed",
  },
  {
    pattern:
      /^SELECT min\(id\) FROM \( SELECT max\(id\) AS id FROM digests UNION ALL SELECT max\(d\.id\) FROM digests d JOIN scans s/,
    why: "retention's digest boundary: max(rowid) of digests, and of the digests of scans before the latest (digests_by_scan)",
  },
  {
    pattern:
      /^SELECT coalesce\(\(SELECT min\(id\) FROM scans WHERE started_at >= \?\), \(SELECT coalesce\(max\(id\), 0\) \+ 1 FROM scans\)\)$/,
    why: "retention's boundary: scans in rowid order from the oldest, which are the ones it removes; max(rowid) is one step",
  },
  {
    pattern: /^SELECT s\.id FROM scans s WHERE s\.id < @boundary AND s\.status != 'running'/,
    why: "retention's batched prune: the oldest scans before the boundary, in rowid order, LIMIT a batch",
  },
  {
    pattern:
      /^SELECT \* FROM scans WHERE id IN \(SELECT max\(id\) FROM scans GROUP BY source\) ORDER BY id DESC$/,
    why: "each source's newest scan of any outcome: GROUP BY over the scans retention keeps (one a day)",
  },
  {
    pattern:
      /^SELECT source, account_id, owner_email, owner_name, assigned_by, assigned_at FROM owner_overrides$/,
    why: "a message run and a scan apply every owner assigned in chat (one row per reassigned account)",
  },
];

/** Binds NULL to every parameter: a plan does not depend on the values. */
function explain(db: Database, sql: string): string[] {
  const unquoted = sql.replace(/'[^']*'/g, "''");
  const named = [...new Set([...unquoted.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => m[1] as string))];
  const positional = (unquoted.match(/\?/g) ?? []).length;
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const args: unknown[] = Array.from({ length: positional }, () => null);
  if (named.length > 0) args.push(Object.fromEntries(named.map((name) => [name, null])));
  return (statement.all(...args) as { detail: string }[]).map((row) => row.detail);
}

/** The table each name in a statement stands for: `outbox o` makes `o` the outbox. */
function aliases(sql: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of sql.matchAll(/\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?/gi)) {
    const table = m[1] as string;
    names.set(table, table);
    const alias = m[2];
    if (alias && !/^(WHERE|JOIN|LEFT|INNER|ON|ORDER|GROUP|LIMIT|SET|VALUES|USING|AS)$/i.test(alias)) {
      names.set(alias, table);
    }
  }
  return names;
}

/**
 * The plan lines that read a growing table without an index bounding them: "SCAN t" (also "SCAN t
 * USING INDEX i", every entry of the index) and a bare "SEARCH t" (SQLite's min/max attempt,
 * which still reads every row when no index has the column).
 */
function unboundedReads(sql: string, plan: string[]): string[] {
  const tables = aliases(sql);
  return plan.filter((line) => {
    const m = /^(SCAN|SEARCH) (\w+)(.*)$/.exec(line);
    if (!m) return false;
    const table = tables.get(m[2] as string) ?? (m[2] as string);
    if (!GROWING.has(table)) return false;
    return m[1] === "SCAN" || !/^( EXISTS)? USING /.test(m[3] as string);
  });
}

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
const JAMES = { id: "UJAMES", name: "James", email: "james.okafor@acme.example" };
const DAY = 86_400_000;

function findButton(t: SlackWarden, actionId: string, skip: readonly string[] = []) {
  const [message] = t.slack.messages(`D${OWNER.id}`);
  return slackButtons(message ?? {}).find(
    (b) => b.action_id === actionId && !skip.includes(decodeActionPayload(b.value)?.id ?? ""),
  );
}

function dmButton(t: SlackWarden, actionId: string, skip: readonly string[] = []) {
  const [message] = t.slack.messages(`D${OWNER.id}`);
  const button = findButton(t, actionId, skip);
  if (!message || !button) throw new Error(`Raj's DM has no ${actionId} button`);
  return { message, button, accountId: decodeActionPayload(button.value)?.id ?? "" };
}

/** Runs every command and click warden has over Slack, recording the statements it prepares. */
async function slackPaths(statements: Set<string>): Promise<Database> {
  const t = await startWarden({
    platform: "slack",
    users: [OWNER, ADMIN, JAMES],
    wrapDatabase: (db) => recordStatements(db, statements),
  });
  const { store } = t.warden;
  const settled = (what: string) =>
    t.slack.until(
      () =>
        t.db.prepare("SELECT 1 FROM decisions WHERE outcome = 'pending'").get() === undefined || undefined,
      what,
    );
  await notifyOwners(t.warden);
  const at = (message: { ts: string }) => ({ channel: `D${OWNER.id}`, ts: message.ts });

  const disable = dmButton(t, "warden_disable");
  await t.click(OWNER, at(disable.message), disable.button);
  await t.slack.until(() => findButton(t, "warden_undo"), "the Undo button");
  await settled("the disable");
  const undo = dmButton(t, "warden_undo");
  await t.click(OWNER, at(undo.message), undo.button);
  await settled("the undo");

  const keep = dmButton(t, "warden_keep", [disable.accountId]);
  await t.click(OWNER, at(keep.message), keep.button);
  const modal = (await t.slack.until(() => t.slack.views()[0], "the Keep modal")).view as {
    private_metadata: string;
  };
  await t.post(
    viewSubmissionBody({
      userId: OWNER.id,
      callbackId: "warden_keep",
      privateMetadata: modal.private_metadata,
      values: {
        reason: { reason: { type: "plain_text_input", value: "nightly export" } },
        expiry: { expiry: { type: "static_select", selected_option: { value: "30" } } },
      },
    }),
  );
  await t.slack.until(
    () => t.db.prepare("SELECT 1 FROM decisions WHERE action = 'keep' AND outcome = 'applied'").get(),
    "the keep",
  );

  const adminBefore = t.slack.messages("CADMIN").length;
  const notMine = dmButton(t, "warden_not_mine", [disable.accountId, keep.accountId]);
  await t.click(OWNER, at(notMine.message), notMine.button);
  const posted = await t.slack.until(() => t.slack.messages("CADMIN")[adminBefore], "the admin message");
  const picker = (posted.blocks as { block_id?: string; accessory?: { action_id?: string } }[]).find(
    (b) => b.accessory?.action_id === "warden_assign_owner",
  );
  const pick = blockActionsPayload({
    userId: ADMIN.id,
    actionId: "warden_assign_owner",
    channelId: "CADMIN",
    messageTs: posted.ts,
    responseUrl: t.slack.responseUrl({ channel: "CADMIN", ts: posted.ts, user: ADMIN.id }),
  });
  pick.actions = [
    {
      type: "users_select",
      block_id: picker?.block_id,
      action_id: "warden_assign_owner",
      selected_user: JAMES.id,
      action_ts: "1.2",
    },
  ];
  await t.post(payloadBody(pick));
  await t.slack.until(() => t.db.prepare("SELECT 1 FROM owner_overrides").get(), "the assignment");

  await t.command(OWNER, `lookup ${disable.accountId}`);
  await t.command(OWNER, "lookup svc_no_such_account");
  // The owner's home: /warden mine, the Home tab opened, and a filter chosen in it.
  await t.command(OWNER, "mine");
  await t.post(appHomeOpenedBody(OWNER.id));
  const home = await t.slack.until(() => t.slack.home(OWNER.id), "Raj's Home tab");
  const republished = t.slack.callsTo("views.publish").length;
  await t.post(
    homeActionsBody({
      userId: OWNER.id,
      view: home.view,
      action: { type: "static_select", action_id: "warden_home_rule", selected_option: { value: "dormant" } },
    }),
  );
  await t.slack.until(() => t.slack.callsTo("views.publish")[republished], "the filtered Home tab");
  for (const query of [disable.accountId, "svc_sap_1", "SVC_SAP_1 (servicenow)", "nothing-like-it"]) {
    await buildLookup(store, query);
  }

  // The daily passes: reminders after 3 days, escalations after 7, the weekly digest.
  for (const days of [4, 4]) {
    t.advance(days * DAY);
    await t.scan();
    await notifyOwners(t.warden, { followUps: true });
  }
  await buildDigest(store, { now: t.now() });
  await postDigest(t.warden);
  await buildOwnerMessages(store);

  // Access reviews: a campaign started and asked, an answer, the digest's progress, status and report.
  await startReview(store, { now: t.now(), startedBy: "cli", defaultDecision: "none" });
  await sendReviewMessages(t.warden);
  const review = t.slack
    .messages(`D${OWNER.id}`)
    .find((m) => String(m.text).startsWith("warden: access review"));
  const certify = decodeActionPayload(
    slackButtons(review ?? {}).find((b) => b.action_id === "warden_certify")?.value,
  );
  if (!review || !certify) throw new Error("Raj got no review message with Still needed…");
  const answered = await createActionHandler({
    store,
    connectors: t.warden.connectors,
    now: t.now,
    admins: [ADMIN.email],
    mode: "apply",
    logger: silentLogger,
  })({
    actor: { platform: "slack", id: OWNER.id, email: OWNER.email },
    payload: certify,
    origin: { conversation: `D${OWNER.id}`, message: review.ts },
    reason: "nightly export",
  });
  expect(answered.status).toBe("done");
  await buildDigest(store, { now: t.now() });
  const quiet = { print: () => {}, say: () => {}, write: () => {} };
  for (const sub of ["status", "report"]) await runReviewCommand(t.warden, sub, { format: "csv" }, quiet);

  // `warden scan`: the scan with retention, far enough on that there is something to prune.
  t.advance(30 * DAY);
  await runScan({
    store,
    connector: t.warden.connectors.get("servicenow"),
    now: t.now,
    logger: silentLogger,
    dormantDays: 100,
    retentionDays: 10,
  });

  // `warden audit`: export, verify, archive and check the archive.
  const archive = join(tempDir(), "audit.jsonl");
  const context = { now: t.now(), retentionDays: 10 };
  const sink = { write: () => true };
  for (const args of [
    { format: "json" },
    { format: "csv", since: "2026-01-01" },
    { verify: true },
    { archive },
    { verifyArchive: archive },
  ]) {
    await runAuditCommand(store.audit, args, sink, context);
  }
  return t.db;
}

/** A Teams click and its card update, recording the statements. */
async function teamsPaths(statements: Set<string>): Promise<void> {
  const t = await startWarden({ platform: "teams", wrapDatabase: (db) => recordStatements(db, statements) });
  const raj = t.fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId));
  await notifyOwners(t.warden);
  const conversationId = personalConversationId(raj);
  const [message] = t.fake.activities(conversationId);
  const disable = executeActions(cardOf(message)).find((a) => a.verb === "warden_disable");
  if (!message || !disable) throw new Error("Raj got no card with a Disable action");
  const card = { conversationId, activityId: message.id };
  const answer = await t.post(executeInvoke(t.fake.serviceUrl, raj, card, disable));
  const undo = executeActions((answer.body as { value: unknown }).value).find(
    (a) => a.verb === "warden_undo",
  );
  if (undo) await t.post(executeInvoke(t.fake.serviceUrl, raj, card, undo));
  t.advance(4 * DAY);
  await notifyOwners(t.warden, { followUps: true });
  await postDigest(t.warden);
}

describe("query plans of every statement warden runs for a command or a click", () => {
  it("read an index, never a whole table that grows, unless listed with a reason", async () => {
    const statements = new Set<string>();
    const db = await slackPaths(statements);
    await teamsPaths(statements);
    // Enough of warden ran for the check to mean something: clicks, assignments, Teams, retention, archiving.
    expect(statements.size).toBeGreaterThan(80);
    const ran = (pattern: RegExp) => [...statements].some((sql) => pattern.test(sql));
    for (const pattern of [
      /INSERT INTO decisions/,
      /INSERT INTO owner_overrides/,
      /INSERT INTO conversation_refs/,
      /INTO message_accounts/,
      /DELETE FROM findings/,
      /DELETE FROM scans/,
      /INSERT INTO audit_checkpoints/,
      /FROM suggest|lower\(user_name\) >= \?/,
      /WHERE a\.owner_email = @email/,
      /UPDATE review_items SET status = \?/,
      /FROM review_items i\s+WHERE i\.campaign_id = @campaignId/,
    ]) {
      expect(ran(pattern), pattern.source).toBe(true);
    }
    // No statistics: the plans below are the ones SQLite uses at any size.
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'").pluck().get(),
    ).toBe(0);

    const failures: string[] = [];
    const listed = new Set<RegExp>();
    for (const sql of statements) {
      const text = sql.replace(/\s+/g, " ").trim();
      if (/^(PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(text)) continue;
      const reads = unboundedReads(text, explain(db, sql));
      if (reads.length === 0) continue;
      const reason = WHOLE_TABLE_READS.find((r) => r.pattern.test(text));
      if (reason) listed.add(reason.pattern);
      else failures.push(`${text}\n    ${reads.join("\n    ")}`);
    }
    expect(failures, failures.join("\n\n")).toEqual([]);
    // Every listed exception is still a statement warden runs, and still needs its reason.
    expect(WHOLE_TABLE_READS.filter((r) => !listed.has(r.pattern)).map((r) => r.pattern.source)).toEqual([]);
  }, 120_000);
});
