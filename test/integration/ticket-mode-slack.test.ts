import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import type { FakeSlackApi } from "../helpers/fake-slack-api.js";
import { hostileInstance } from "../helpers/hostile-instance.js";
import { slackMarkupProblems, slackShownText } from "../helpers/rendered-text.js";
import { appHomeOpenedBody } from "../helpers/sign-slack.js";
import { type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const DM = `D${OWNER.id}`;
const HOUR = 3_600_000;

function setup(env: Record<string, string> = {}) {
  return startWarden({
    platform: "slack",
    users: [OWNER, { id: "USEC", name: "SecOps", email: "secops@acme.example" }],
    env: {
      WARDEN_MODE: "ticket",
      SERVICENOW_TICKET_FIELDS: '{"assignment_group":"Identity & Access","urgency":2}',
      SLACK_DIGEST_CHANNEL: undefined,
      ...env,
    },
  });
}

/** Raj's DM and its Disable button for the first dormant account. */
function disableButton(t: SlackWarden) {
  const [message] = t.slack.messages(DM);
  if (!message) throw new Error("Raj got no DM");
  const accountId = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
  const button = slackButtons(message).find(
    (b) => b.action_id === "warden_disable" && decodeActionPayload(b.value)?.id === accountId,
  );
  if (!button) throw new Error("no Disable button for the dormant account");
  return { message, button, accountId };
}

const incidents = (t: SlackWarden) =>
  (t.sim.data.tables.get("incident") as { rows: Record<string, string>[] }).rows;
const userRow = (t: SlackWarden, id: string) => {
  const users = t.sim.data.tables.get("sys_user")!;
  return users.rows[users.indexById.get(id)!]!;
};
const shown = (slack: FakeSlackApi) => slack.messages(DM)[0]!;

describe("Slack: WARDEN_MODE=ticket", () => {
  it("opens one incident with the evidence instead of disabling, shows it, and notices when it is done", async () => {
    const t = await setup();
    await notifyOwners(t.warden);
    const { message, button, accountId } = disableButton(t);
    const userName = userRow(t, accountId).user_name;
    const before = { ...userRow(t, accountId) };
    // The confirmation says what the click does here: a ticket, not a change with an Undo.
    const confirm = (button as { confirm?: { text: { text: string } } }).confirm?.text.text;
    expect(confirm).toMatch(/^warden opens a ServiceNow ticket asking for this change \(Disable\)/);
    expect(confirm).not.toMatch(/undo/i);

    expect((await t.click(OWNER, { channel: DM, ts: message.ts }, button)).status).toBe(200);
    await t.slack.until(() => shown(t.slack).edits || undefined, "the DM to be updated");

    // Exactly one incident, with the requested change, who asked, the evidence and the extra fields.
    expect(incidents(t)).toHaveLength(1);
    const incident = incidents(t)[0]!;
    expect(incident.number).toBe("INC0010001");
    expect(incident.short_description).toBe(`Disable (active=false, locked_out=true): ${userName} (warden)`);
    expect(incident.description).toContain(`Requested by: ${OWNER.email}`);
    expect(incident.description).toMatch(
      /Findings and evidence:\n- Dormant: No API use or login for \d+ days/,
    );
    expect(incident.assignment_group).toBe("Identity & Access");
    expect(incident.urgency).toBe("2");
    // The account itself is untouched: no PATCH was sent, sys_user is as it was.
    expect(t.sim.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    expect(userRow(t, accountId)).toEqual(before);

    // The message shows the ticket's number and its link, and no buttons for that account.
    const text = slackShownText(shown(t.slack));
    expect(text).toContain("Ticket INC0010001 opened by @URAJ");
    const link = `${t.sim.url}/nav_to.do?uri=incident.do?sys_id=${incident.sys_id}`;
    expect(JSON.stringify(shown(t.slack).blocks)).toContain(`<${link}|Open INC0010001>`);
    expect(slackMarkupProblems(shown(t.slack), { mentions: [OWNER.id] })).toEqual([]);
    expect(
      slackButtons(shown(t.slack)).filter((b) => decodeActionPayload(b.value)?.id === accountId),
    ).toEqual([]);
    // Recorded: the decision, its ticket, and the audit entry naming the number.
    expect(t.db.prepare("SELECT mode, outcome FROM decisions").all()).toEqual([
      { mode: "ticket", outcome: "ticketed" },
    ]);
    expect(t.db.prepare("SELECT number, ticket_table, sys_id, done_at FROM decision_tickets").all()).toEqual([
      { number: "INC0010001", ticket_table: "incident", sys_id: incident.sys_id, done_at: null },
    ]);
    const audited = t.db
      .prepare("SELECT detail FROM audit_log WHERE event = 'decision.ticketed'")
      .pluck()
      .all() as string[];
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0]!)).toMatchObject({ ticket: "INC0010001", ticketTable: "incident" });

    // The Home tab shows the open ticket for that account too, not its buttons.
    expect((await t.post(appHomeOpenedBody(OWNER.id))).status).toBe(200);
    const home = await t.slack.until(() => t.slack.home(OWNER.id), "the Home tab to be published");
    expect(slackShownText(home.view as { blocks: unknown })).toContain("Ticket INC0010001 opened by @URAJ");
    expect(JSON.stringify(home.view)).toContain(`<${link}|Open INC0010001>`);
    const homeConfirms = slackButtons(home.view as { blocks: unknown })
      .filter((b) => b.action_id === "warden_disable")
      .map((b) => (b as { confirm?: { text: { text: string } } }).confirm?.text.text);
    expect(homeConfirms.length).toBeGreaterThan(0);
    for (const text of homeConfirms) expect(text).toMatch(/^warden opens a ServiceNow ticket/);

    // A second click (a stale client, a retried delivery) opens no second ticket and says so.
    expect((await t.click(OWNER, { channel: DM, ts: message.ts }, button)).status).toBe(200);
    const notice = await t.slack.until(() => t.slack.ephemerals(DM)[0], "the duplicate notice");
    expect(notice.text).toMatch(/Ticket INC0010001 is already open for/);
    expect(incidents(t)).toHaveLength(1);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(1);

    // Whoever works the ticket disables the account; the next scan notices and the message says so.
    await t.warden.connectors.get("servicenow").apply(accountId, { kind: "disable" });
    t.advance(HOUR);
    await t.scan();
    const edits = shown(t.slack).edits ?? 0;
    await notifyOwners(t.warden);
    await t.slack.until(() => ((shown(t.slack).edits ?? 0) > edits ? true : undefined), "the done update");
    expect(slackShownText(shown(t.slack))).toContain(
      "Done in INC0010001: seen done at 2026-11-23 03:00 UTC (Disable requested by @URAJ",
    );
    expect(t.db.prepare("SELECT done_at FROM decision_tickets").pluck().get()).toBe(t.now().toISOString());
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE event = 'ticket.done'").pluck().get()).toBe(1);
  });

  it("marks a Restrict ticket done once the account is Web Service Access Only, though another finding stays", async () => {
    const t = await setup();
    await notifyOwners(t.warden);
    const [message] = t.slack.messages(DM);
    const accountId = t.idOf("alice.nguyen");
    const restrict = slackButtons(message!).find(
      (b) => b.action_id === "warden_restrict" && decodeActionPayload(b.value)?.id === accountId,
    );
    expect(restrict).toBeDefined();
    expect((await t.click(OWNER, { channel: DM, ts: message!.ts }, restrict!)).status).toBe(200);
    await t.slack.until(() => shown(t.slack).edits || undefined, "the DM to be updated");
    expect(incidents(t)[0]!.short_description).toBe(
      "Restrict to API only (web_service_access_only=true): alice.nguyen (warden)",
    );
    expect(userRow(t, accountId).web_service_access_only).toBe("false");

    // Nothing done yet: a scan leaves the ticket open.
    t.advance(HOUR);
    await t.scan();
    await notifyOwners(t.warden);
    expect(t.db.prepare("SELECT done_at FROM decision_tickets").pluck().get()).toBeNull();

    await t.warden.connectors.get("servicenow").apply(accountId, { kind: "restrict_to_api" });
    t.advance(HOUR);
    await t.scan();
    // The privileged role is still there: the account is still risky, but the ticket's change was made.
    expect(
      t.db
        .prepare("SELECT rule FROM findings WHERE account_id = ? AND resolved_at IS NULL")
        .pluck()
        .all(accountId),
    ).toContain("privileged");
    const edits = shown(t.slack).edits ?? 0;
    await notifyOwners(t.warden);
    await t.slack.until(() => ((shown(t.slack).edits ?? 0) > edits ? true : undefined), "the done update");
    expect(slackShownText(shown(t.slack))).toContain("Done in INC0010001: seen done at 2026-11-23 04:00 UTC");
  });

  it("leaves the decision failed with a clear message when the ticket cannot be opened, and nothing half-recorded", async () => {
    const t = await setup();
    await notifyOwners(t.warden);
    const { message, button, accountId } = disableButton(t);
    t.sim.faults.script({ response: 403, method: "POST", table: "incident" });

    expect((await t.click(OWNER, { channel: DM, ts: message.ts }, button)).status).toBe(200);
    await t.slack.until(() => shown(t.slack).edits || undefined, "the DM to be updated");
    expect(slackShownText(shown(t.slack))).toMatch(
      /Disabled failed \(@URAJ at .*\): no ticket was opened \(.*403/,
    );
    expect(incidents(t)).toHaveLength(0);
    expect(t.db.prepare("SELECT outcome FROM decisions").pluck().all()).toEqual(["failed"]);
    expect(t.db.prepare("SELECT count(*) FROM decision_tickets").pluck().get()).toBe(0);
    expect(t.sim.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);

    // The buttons are back, and a retry once the instance lets warden in opens the ticket.
    const retry = slackButtons(shown(t.slack)).find(
      (b) => b.action_id === "warden_disable" && decodeActionPayload(b.value)?.id === accountId,
    );
    expect(retry).toBeDefined();
    expect((await t.click(OWNER, { channel: DM, ts: message.ts }, retry!)).status).toBe(200);
    await t.slack.until(
      () => (slackShownText(shown(t.slack)).includes("Ticket INC0010001 opened") ? true : undefined),
      "the ticket on retry",
    );
    expect(incidents(t)).toHaveLength(1);
  });

  it("keeps hostile account names as data: the ticket line has no markup from the source, the ticket holds the name as typed", async () => {
    const hostile = hostileInstance();
    const t = await startWarden({
      platform: "slack",
      instance: hostile.data,
      users: [OWNER],
      env: { WARDEN_MODE: "ticket", SLACK_DIGEST_CHANNEL: undefined },
    });
    await notifyOwners(t.warden);
    const userName = hostile.renamed.get("svc_legacy_backup")!;
    const accountId = t.idOf(userName);
    const message = t.slack.messages(DM).find((m) => !m.threadTs)!;
    const disable = slackButtons(message).find(
      (b) => b.action_id === "warden_disable" && decodeActionPayload(b.value)?.id === accountId,
    );
    expect((await t.click(OWNER, { channel: DM, ts: message.ts }, disable!)).status).toBe(200);
    const current = () => t.slack.messages(DM).find((m) => m.ts === message.ts)!;
    await t.slack.until(() => current().edits || undefined, "the DM to be updated");
    expect(slackShownText(current())).toContain("Ticket INC0010001 opened by @URAJ");
    expect(slackMarkupProblems(current(), { mentions: [OWNER.id] })).toEqual([]);
    expect(incidents(t)[0]!.short_description).toContain(userName);
  });
});
