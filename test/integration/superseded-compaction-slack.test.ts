import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { UNDO_WINDOW_MS } from "../../src/actions/undo.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { exportAudit } from "../../src/audit/export-audit.js";
import { silentLogger } from "../../src/logger.js";
import { enqueueMessageUpdate } from "../../src/notify/enqueue-message-update.js";
import { pruneExpired } from "../../src/scan/prune-expired.js";
import { slackShownText } from "../helpers/rendered-text.js";
import { type SlackButton, type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const RAJ_DM = `D${RAJ.id}`;
const HOUR = 3_600_000;

function buttonOf(message: { blocks?: unknown }, actionId: string, accountId?: string): SlackButton {
  const button = slackButtons(message).find(
    (b) => b.action_id === actionId && (!accountId || decodeActionPayload(b.value)?.id === accountId),
  );
  if (!button) throw new Error(`no ${actionId} button`);
  return button;
}

/** Retention as it runs after a scan, at warden's clock. */
const retention = (t: SlackWarden) =>
  pruneExpired(t.warden.store, { now: t.now(), retentionDays: 400, logger: silentLogger });

const storedBytes = (t: SlackWarden, id: number) =>
  t.db.prepare("SELECT length(payload) FROM outbox WHERE id = ?").pluck().get(id) as number;

const settled = (t: SlackWarden) =>
  t.slack.until(
    () => t.db.prepare("SELECT 1 FROM decisions WHERE outcome = 'pending'").get() === undefined || undefined,
    "the decision to be recorded",
  );

describe("Slack: a superseded owner message is compacted once no Undo is left on it", () => {
  it("keeps the Undo working through the window, then shrinks the stored message; its clicks, its re-render and the audit still work", async () => {
    const t = await startWarden({ platform: "slack", users: [RAJ] });
    await notifyOwners(t.warden);
    const [first] = t.slack.messages(RAJ_DM);
    const firstId = t.db
      .prepare("SELECT id FROM outbox WHERE kind = 'owner_message' AND recipient = ? ORDER BY id")
      .pluck()
      .get(RAJ.email) as number;
    const dormant = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
    const other = slackButtons(first!)
      .map((b) => decodeActionPayload(b.value)?.id)
      .find((id) => id && id !== dormant) as string;
    const staleDisable = buttonOf(first!, "warden_disable", other);

    // Raj disables the dormant account: it leaves his risky accounts, with an Undo for 24 hours.
    await t.click(RAJ, { channel: RAJ_DM, ts: first!.ts }, buttonOf(first!, "warden_disable", dormant));
    await settled(t);
    // Another account of Raj's turns risky: a newer message supersedes the first, which keeps
    // only the Undo of the disable (the newer message does not show that account).
    await t.warden.connectors
      .get("servicenow")
      .apply(t.idOf("svc_cmdb_discovery"), { kind: "restore", values: { webServiceAccessOnly: false } });
    t.advance(HOUR);
    await t.scan();
    await notifyOwners(t.warden);
    await t.slack.until(() => t.slack.messages(RAJ_DM)[1], "Raj's newer message");
    const old = t.slack.messages(RAJ_DM)[0]!;
    expect(slackShownText(old)).toContain("Superseded by warden's message");
    // The notification's text too (it once read "message of ,[object Object],").
    expect(old.text).toMatch(
      /^warden: Superseded by warden's message of 2026-\d\d-\d\d \d\d:\d\d UTC: use that one/,
    );
    const undo = buttonOf(old, "warden_undo", dormant);

    // Retention within the window leaves the message whole, and the Undo works.
    const whole = storedBytes(t, firstId);
    await retention(t);
    expect(storedBytes(t, firstId)).toBe(whole);
    await t.click(RAJ, { channel: RAJ_DM, ts: old.ts }, undo);
    await settled(t);
    const undone = await t.slack.until(
      () =>
        (t.slack.messages(RAJ_DM)[0]?.edits ?? 0) > (old.edits ?? 0)
          ? t.slack.messages(RAJ_DM)[0]
          : undefined,
      "the first message to show the undo",
    );
    expect(t.db.prepare("SELECT action || ':' || outcome FROM decisions ORDER BY id").pluck().all()).toEqual([
      "disable:applied",
      "undo:applied",
    ]);

    // A day on, the window closed: retention compacts what is stored of the message.
    t.advance(UNDO_WINDOW_MS + HOUR);
    await retention(t);
    expect(storedBytes(t, firstId)).toBeLessThan(whole * 0.8);
    const item = await t.warden.store.outbox.getOutboxItem(firstId);
    expect(item?.message?.kind).toBe("owner_message");
    const view = item?.message?.kind === "owner_message" ? item.message.view : undefined;
    expect(view?.supersededBy).toBeDefined();
    expect(view?.accounts.map((a) => a.accountId)).toContain(dormant);
    expect(view?.accounts.find((a) => a.accountId === dormant)?.decision?.action).toBe("undo");
    // Nothing was sent for it: the message in Slack is as it was.
    expect(t.slack.messages(RAJ_DM)[0]).toEqual(undone);

    // A client still showing its first buttons is told the message was replaced, as before.
    await t.click(RAJ, { channel: RAJ_DM, ts: old.ts }, staleDisable);
    const notice = await t.slack.until(() => t.slack.ephemerals(RAJ_DM).at(-1), "the stale notice");
    expect(notice.text).toMatch(/replaced by warden's message of/);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(2);

    // Re-rendered in place (as a later update would): still superseded, the accounts and the
    // decision named, the evidence left to the newer message.
    const updates = t.slack.callsTo("chat.update").filter((c) => c.args.ts === old.ts).length;
    await enqueueMessageUpdate(t.warden.store, firstId, t.now());
    await notifyOwners(t.warden);
    const rerendered = await t.slack.until(
      () => t.slack.callsTo("chat.update").filter((c) => c.args.ts === old.ts)[updates],
      "the compacted message re-rendered",
    );
    const text = slackShownText(rerendered.args as { blocks?: unknown; text?: unknown });
    expect(text).toContain("Superseded by warden's message");
    expect(text).toContain(t.sim.data.scenarios.dormant?.[0] as string);
    expect(text).not.toContain("evidence:");
    expect(slackButtons(rerendered.args as { blocks?: unknown }).filter((b) => b.action_id)).toEqual([]);

    // The audit log still has the message as sent.
    let exported = "";
    await exportAudit(t.warden.store.audit, { format: "json" }, (chunk) => {
      exported += chunk;
    });
    const sent = exported
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { event?: string; detail?: { outboxId?: number } })
      .filter((e) => e.event === "message.sent" && e.detail?.outboxId === firstId);
    expect(sent).toHaveLength(1);
  });
});
