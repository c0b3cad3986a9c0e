import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { unpackPayload } from "../../src/store/packed-payload.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { inspectDatabase } from "../helpers/inspect-db.js";
import { tempDbPath } from "../helpers/temp-db.js";

const DAY = 86_400_000;
const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

type OldFinding = Record<string, unknown>;
type OldAccount = { accountId: string; findings: OldFinding[]; decision?: unknown };

/**
 * Rewrites a database into the shape warden stored before typed outbox messages (schema 8): owner
 * messages carry the findings table's full copy of each finding, and follow-ups hold their original
 * message's reference as JSON text. Queues an update of the sent message and a reminder, as an
 * older warden would have left them.
 */
function downgradeToOldShape(path: string, at: Date): void {
  const db = new BetterSqlite3(path);
  const row = db
    .prepare("SELECT id, payload, message_ref FROM outbox WHERE kind = 'owner_message' AND status = 'sent'")
    .get() as { id: number; payload: string; message_ref: string };
  // Today's warden packs the payload at rest; the older one wrote it plain, as written back below.
  const view = unpackPayload(JSON.parse(row.payload)) as { accounts: OldAccount[] };
  for (const account of view.accounts) {
    account.findings = account.findings.map((f, i) => ({
      ...f,
      id: 100 + i,
      source: "servicenow",
      accountId: account.accountId,
      firstSeenAt: NOW.toISOString(),
      lastSeenAt: NOW.toISOString(),
    }));
  }
  // A Keep recorded in the message by the older warden, dates as ISO strings.
  view.accounts[0]!.decision = {
    decisionId: 9,
    action: "keep",
    actor: OWNER.email,
    at: NOW.toISOString(),
    outcome: "applied",
    reason: "month-end batch",
    expiresAt: new Date(NOW.getTime() + 30 * DAY).toISOString(),
  };
  db.prepare("UPDATE outbox SET payload = ? WHERE id = ?").run(JSON.stringify(view), row.id);
  const insert = db.prepare(
    `INSERT INTO outbox (platform, kind, recipient, dedupe_key, payload, status, created_at)
     VALUES ('slack', ?, ?, ?, ?, 'pending', ?)`,
  );
  insert.run(
    "message_update",
    OWNER.email,
    "old-update",
    JSON.stringify({ outboxId: row.id }),
    at.toISOString(),
  );
  insert.run(
    "reminder",
    OWNER.email,
    "old-reminder",
    JSON.stringify({
      ownerEmail: OWNER.email,
      replyTo: row.message_ref,
      originalId: row.id,
      sentAt: NOW.toISOString(),
      accounts: view.accounts.slice(1),
    }),
    at.toISOString(),
  );
  // An older row that no warden can read: its reference is not JSON.
  insert.run(
    "reminder",
    OWNER.email,
    "old-broken-reminder",
    JSON.stringify({
      ownerEmail: OWNER.email,
      replyTo: "D1/1.1",
      originalId: row.id,
      sentAt: NOW,
      accounts: [],
    }),
    at.toISOString(),
  );
  db.pragma("user_version = 8");
  db.close();
}

describe("an outbox written by an older warden", () => {
  it("still delivers and updates its messages after the upgrade", async () => {
    const { sim } = await startDemoSource();
    const slack = await startFakeSlackApi({ users: [OWNER] });
    onTestFinished(() => slack.close());
    const now = () => new Date(NOW.getTime() + 4 * DAY);
    const path = tempDbPath();
    const config = loadConfig({
      SERVICENOW_URL: sim.url,
      SERVICENOW_USERNAME: "warden",
      SERVICENOW_PASSWORD: "warden-demo",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: slack.url,
      SLACK_ADMIN_CHANNEL: "CADMIN",
      WARDEN_DB: path,
    });
    const first = await openWarden(config, { logger: silentLogger, now: () => NOW });
    await runScan({
      store: first.store,
      connector: first.connectors.get("servicenow"),
      now: () => NOW,
      logger: silentLogger,
      dormantDays: 100,
    });
    await notifyOwners(first);
    await first.close();
    const original = slack.messages(`D${OWNER.id}`)[0]!;
    downgradeToOldShape(path, now());

    const warden = await openWarden(config, { logger: silentLogger, now });
    onTestFinished(() => warden.close());
    expect(inspectDatabase(warden.config.dbPath).pragma("user_version", { simple: true })).toBe(
      MIGRATIONS.at(-1)?.version,
    );
    await notifyOwners(warden);

    // The sent message is updated in place from its old stored view, the Keep and its dates shown.
    const shown = slack.messages(`D${OWNER.id}`).find((m) => m.ts === original.ts)!;
    expect(shown.edits).toBe(1);
    // A view stored before decision lines knew the actor's chat user: the email, not a mention.
    const at = Date.parse("2026-11-23T02:00:00Z") / 1000;
    const until = Date.parse("2026-12-23T02:00:00Z") / 1000;
    expect(JSON.stringify(shown.blocks)).toContain(
      `Kept (risk accepted) by raj.patel@acme.example at <!date^${at}^{date_short_pretty} {time}|2026-11-23 02:00 UTC>: \\"month-end batch\\", until <!date^${until}^{date_short_pretty}|2026-12-23>`,
    );
    // The reminder replies under the original message, through the reference the upgrade converted.
    const replies = slack.messages(`D${OWNER.id}`).filter((m) => m.threadTs === original.ts);
    expect(replies).toHaveLength(1);
    expect(String(replies[0]?.text)).toMatch(/^Reminder: 2 machine identities still need your decision/);
    // The one row nobody can read fails with the reason; nothing else does.
    const failed = inspectDatabase(warden.config.dbPath)
      .prepare("SELECT dedupe_key, last_error FROM outbox WHERE status = 'failed'")
      .all();
    expect(failed).toEqual([
      {
        dedupe_key: "old-broken-reminder",
        last_error: "the stored reminder message is malformed: view.replyTo is not an object",
      },
    ]);
  });
});
