import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { slackButtons, startWarden } from "../helpers/start-warden.js";

const DAY = 86_400_000;
const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const RAJ_DM = `D${RAJ.id}`;

describe("Slack: a click on a message retention removed", () => {
  it("is refused, changes nothing in the source or the database, and is audited", async () => {
    const t = await startWarden({
      platform: "slack",
      users: [RAJ],
      env: { SLACK_DIGEST_CHANNEL: undefined },
    });
    await notifyOwners(t.warden);
    const [dm] = await t.slack.until(
      () => (t.slack.messages(RAJ_DM).length > 0 ? t.slack.messages(RAJ_DM) : undefined),
      "Raj's message",
    );
    const disables = slackButtons(dm!).filter((b) => b.action_id === "warden_disable");
    const messageId = decodeActionPayload(disables[0]?.value)?.m as number;
    expect(messageId).toBeDefined();

    // 401 days later (WARDEN_RETENTION_DAYS is 400 by default), the scan's retention removes it.
    t.advance(401 * DAY);
    const outcome = await t.scan();
    expect(outcome.pruned?.messages).toBeGreaterThanOrEqual(1);
    // A button of an account still in the source (one the source no longer lists went with it).
    const present = new Set(outcome.inventory.identities.map((i) => i.id));
    const disable = disables.find((b) => present.has(decodeActionPayload(b.value)?.id ?? ""));
    expect(disable).toBeDefined();
    expect(await t.warden.store.outbox.getOutboxItem(messageId)).toBeUndefined();
    expect(await t.warden.store.outbox.prunedMessage(messageId)).toBe(true);
    // An id retention never reached is not taken for a pruned message.
    expect(await t.warden.store.outbox.prunedMessage(messageId + 10_000)).toBe(false);

    // Raj's client still shows the old message and its buttons.
    const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;
    const audited = t.db.prepare("SELECT count(*) FROM audit_log").pluck().get() as number;
    expect((await t.click(RAJ, { channel: RAJ_DM, ts: dm!.ts }, disable!)).status).toBe(200);
    const notice = await t.slack.until(() => t.slack.ephemerals(RAJ_DM)[0], "the refusal");
    expect(notice.text).toMatch(/older than warden keeps messages.*Nothing was changed/s);
    expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBe(patches);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(0);
    const entry = t.db
      .prepare("SELECT event, actor, detail FROM audit_log WHERE id > (SELECT max(id) - 1 FROM audit_log)")
      .get() as { event: string; actor: string; detail: string };
    expect(t.db.prepare("SELECT count(*) FROM audit_log").pluck().get()).toBe(audited + 1);
    expect(entry.event).toBe("decision.stale");
    expect(entry.actor).toContain(RAJ.id);
    expect(JSON.parse(entry.detail)).toMatchObject({ action: "disable", messageId });
  });
});

describe("WARDEN_RETENTION_DAYS", () => {
  const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };

  /** Raj's message, 31 days later, after a scan an admin started with /warden scan in the server. */
  async function messageAfterServerScan(env: Record<string, string>) {
    const t = await startWarden({ platform: "slack", users: [RAJ, ADMIN], admins: [ADMIN.email], env });
    await notifyOwners(t.warden);
    const [dm] = await t.slack.until(
      () => (t.slack.messages(RAJ_DM).length > 0 ? t.slack.messages(RAJ_DM) : undefined),
      "Raj's message",
    );
    const disable = slackButtons(dm!).find((b) => b.action_id === "warden_disable");
    const messageId = decodeActionPayload(disable?.value)?.m as number;
    expect(await t.warden.store.outbox.getOutboxItem(messageId)).toMatchObject({ status: "sent" });
    t.advance(31 * DAY);
    expect(String((await t.command(ADMIN, "scan")).args.text)).toMatch(/Scan started/);
    await t.server.scanIdle();
    return t.warden.store.outbox.getOutboxItem(messageId);
  }

  it("is what the server's scans prune by", async () => {
    expect(await messageAfterServerScan({ WARDEN_RETENTION_DAYS: "30" })).toBeUndefined();
  });

  it("keeps a month-old message by default (400 days)", async () => {
    expect(await messageAfterServerScan({})).toMatchObject({ kind: "owner_message", status: "sent" });
  });
});
