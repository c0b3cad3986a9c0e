import { describe, expect, it } from "vitest";
import { checkBlockKitLimits } from "../../src/adapters/slack/render/index.js";
import { postAlerts } from "../../src/app/post-alerts.js";
import { ALERT_ACCOUNTS_PER_RULE, buildAlert } from "../../src/messages/build-alert.js";
import { insertRow } from "../../src/sources/servicenow/simulator/instance-data.js";
import { slackHttpError } from "../helpers/fake-slack-api.js";
import { HOSTILE_NAME, slackMarkupProblems, slackShownText } from "../helpers/rendered-text.js";
import { SLACK_ADMIN_CHANNEL, type SlackWarden, startWarden } from "../helpers/start-warden.js";

const DAY = 86_400_000;
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
/** Two accounts of the demo data with no finding of the alerted rules. */
const CLEAN_PRIVILEGED = "svc_cmdb_discovery";
const CLEAN_BASIC = "svc_servicedesk_sync";

function row(t: SlackWarden, table: string, sysId: string) {
  const rows = t.sim.data.tables.get(table);
  const found = rows?.rows[rows.indexById.get(sysId) ?? -1];
  if (!rows || !found) throw new Error(`no ${table} row ${sysId}`);
  return found;
}

/** Grants `userName` the admin role in the simulated instance. */
function makePrivileged(t: SlackWarden, userName: string): void {
  const role = t.sim.data.tables.get("sys_user_role")?.rows.find((r) => r.name === "admin");
  const grants = t.sim.data.tables.get("sys_user_has_role");
  if (!role?.sys_id || !grants) throw new Error("the simulated instance has no admin role");
  insertRow(grants, { sys_id: `a1e27${"0".repeat(27)}`, user: t.idOf(userName), role: role.sys_id });
}

/** `userName` starts calling the API with Basic auth (ServiceNow's usage record). */
function startBasicAuth(t: SlackWarden, userName: string): void {
  const table = t.sim.data.tables.get("sys_user_basic_auth_exception");
  if (!table) throw new Error("the simulated instance has no Basic-auth usage table");
  insertRow(table, {
    sys_id: `ba51c${"0".repeat(27)}`,
    user: t.idOf(userName),
    decision: "global",
    action_taken: "false",
    last_seen: "2026-11-23 20:00:00",
    usage_count: "42",
    source: "REST",
  });
}

/** A scan on warden's clock a day on, then the alert of what it opened (as the server does after every run). */
async function scanAndAlert(t: SlackWarden) {
  t.advance(DAY);
  const outcome = await t.scan();
  return Object.assign(await postAlerts(t.warden, [outcome]), { outcome });
}

const adminPosts = (t: SlackWarden) => t.slack.messages(SLACK_ADMIN_CHANNEL);
const alertRows = (t: SlackWarden) =>
  t.db.prepare("SELECT status FROM outbox WHERE kind = 'alert' ORDER BY id").pluck().all() as string[];

describe("immediate alerts to the Slack admin channel", () => {
  it("posts one summary naming the newly privileged and Basic-auth accounts, once, and nothing on the first scan", async () => {
    const t = await startWarden({ platform: "slack", users: [ADMIN] });
    // The first scan (startWarden's) is the baseline: posted by nothing.
    expect(alertRows(t)).toEqual([]);

    makePrivileged(t, CLEAN_PRIVILEGED);
    startBasicAuth(t, CLEAN_BASIC);
    const before = adminPosts(t).length;
    const result = await scanAndAlert(t);
    expect(result.posted).toBe(1);
    const posts = adminPosts(t).slice(before);
    expect(posts).toHaveLength(1);
    const [alert] = posts;
    if (!alert) throw new Error("no alert");
    const shown = slackShownText(alert);
    expect(shown).toContain("2 new findings");
    expect(shown).toMatch(/Privileged role: 1 account gained a privileged role[\s\S]*svc_cmdb_discovery/);
    expect(shown).toMatch(/Basic auth: 1 account started using Basic auth[\s\S]*svc_servicedesk_sync/);
    // The owner (the account's manager in ServiceNow) and the evidence.
    expect(shown).toMatch(
      /\*svc_cmdb_discovery\* \(CMDB Discovery Import\), owner: Raj Patel \(raj\.patel@acme\.example\)/,
    );
    expect(shown).toContain("Roles: ");
    expect(shown).toContain("Basic-auth usage record: 42 use(s)");
    expect(checkBlockKitLimits(alert.blocks as unknown[], alert.text)).toEqual([]);

    // The same run alerted again (a retry, a restart): nothing more is queued or sent.
    await postAlerts(t.warden, [result.outcome]);
    expect(adminPosts(t).slice(before)).toHaveLength(1);

    // A scan with nothing new: no alert.
    const quiet = await scanAndAlert(t);
    expect(quiet.view).toBeUndefined();
    expect(adminPosts(t).slice(before)).toHaveLength(1);
    expect(alertRows(t)).toEqual(["sent"]);
  });

  it("alerts a finding again when it was resolved and comes back, not while it stays open", async () => {
    const t = await startWarden({ platform: "slack", users: [ADMIN] });
    makePrivileged(t, CLEAN_PRIVILEGED);
    expect((await scanAndAlert(t)).view?.total).toBe(1);
    // The role is taken away: the finding is resolved; nothing to alert.
    const grants = t.sim.data.tables.get("sys_user_has_role");
    const grant = grants?.rows.find((r) => r.sys_id === `a1e27${"0".repeat(27)}`);
    if (!grant) throw new Error("no grant");
    grant.user = "";
    expect((await scanAndAlert(t)).view).toBeUndefined();
    // Granted again: a new finding, alerted again.
    grant.user = t.idOf(CLEAN_PRIVILEGED);
    const again = await scanAndAlert(t);
    expect(again.view?.rules.map((g) => [g.rule, g.accounts.map((a) => a.userName)])).toEqual([
      ["privileged", [CLEAN_PRIVILEGED]],
    ]);
    expect(alertRows(t)).toEqual(["sent", "sent"]);
  });

  it("never posts an alert twice: not when its post fails and is retried, nor after a crash while sending", async () => {
    const t = await startWarden({ platform: "slack", users: [ADMIN] });
    makePrivileged(t, CLEAN_PRIVILEGED);
    const toAdmins = { when: { channel: SLACK_ADMIN_CHANNEL } };
    t.slack.script("chat.postMessage", slackHttpError(503, "upstream busy"), toAdmins);
    const before = adminPosts(t).length;
    const failed = await scanAndAlert(t);
    expect(failed).toMatchObject({ posted: 0, failed: 1 });
    expect(alertRows(t)).toEqual(["pending"]);
    // The retry is sent the second time round, once.
    t.advance(2 * 60_000);
    await postAlerts(t.warden, [failed.outcome]);
    expect(alertRows(t)).toEqual(["sent"]);
    expect(adminPosts(t).slice(before)).toHaveLength(1);

    // Next: the process dies while the alert is being sent (it may or may not have reached Slack).
    startBasicAuth(t, CLEAN_BASIC);
    t.slack.script("chat.postMessage", slackHttpError(503, "upstream busy"), toAdmins);
    const second = await scanAndAlert(t);
    t.db.prepare("UPDATE outbox SET status = 'sending' WHERE kind = 'alert' AND status = 'pending'").run();
    t.advance(2 * 60_000);
    // The run is alerted again (a restart): the interrupted alert is marked unknown, not re-sent.
    await postAlerts(t.warden, [second.outcome]);
    expect(alertRows(t)).toEqual(["sent", "unknown"]);
    expect(adminPosts(t).slice(before)).toHaveLength(1);
    // The next scan finds the same account still on Basic auth: not new, not alerted.
    expect((await scanAndAlert(t)).view).toBeUndefined();
  });

  it("posts nothing when ALERT_RULES is none", async () => {
    const t = await startWarden({ platform: "slack", users: [ADMIN], env: { ALERT_RULES: "none" } });
    makePrivileged(t, CLEAN_PRIVILEGED);
    const before = adminPosts(t).length;
    const result = await scanAndAlert(t);
    // The scan did open the finding the first test alerts.
    const opened = t.db
      .prepare("SELECT count(*) FROM findings WHERE rule = 'privileged' AND first_scan_id = ?")
      .pluck()
      .get(result.outcome.scanId);
    expect(opened).toBe(1);
    expect(result.view).toBeUndefined();
    expect(adminPosts(t).length).toBe(before);
    expect(alertRows(t)).toEqual([]);
  });

  it("skips the alert when no admin channel is configured", async () => {
    const t = await startWarden({
      platform: "slack",
      users: [ADMIN],
      env: { SLACK_ADMIN_CHANNEL: undefined },
    });
    makePrivileged(t, CLEAN_PRIVILEGED);
    const result = await scanAndAlert(t);
    expect(result.view?.total).toBe(1);
    expect(result.posted).toBe(0);
    expect(alertRows(t)).toEqual([]);
    expect(
      t.slack.callsTo("chat.postMessage").filter((c) => JSON.stringify(c).includes(CLEAN_PRIVILEGED)),
    ).toEqual([]);
  });

  it("alerts only the rules ALERT_RULES names", async () => {
    const t = await startWarden({ platform: "slack", users: [ADMIN], env: { ALERT_RULES: "basic_auth" } });
    makePrivileged(t, CLEAN_PRIVILEGED);
    startBasicAuth(t, CLEAN_BASIC);
    const before = adminPosts(t).length;
    await scanAndAlert(t);
    const [alert] = adminPosts(t).slice(before);
    const shown = slackShownText(alert ?? {});
    expect(shown).toContain(CLEAN_BASIC);
    expect(shown).not.toContain(CLEAN_PRIVILEGED);
  });

  it("shows hostile account and owner names as typed: no mention, link or formatting", async () => {
    const t = await startWarden({ platform: "slack", users: [ADMIN] });
    const account = row(t, "sys_user", t.idOf(CLEAN_PRIVILEGED));
    account.name = HOSTILE_NAME;
    const manager = row(t, "sys_user", account.manager ?? "");
    manager.name = `Raj ${HOSTILE_NAME}`;
    makePrivileged(t, CLEAN_PRIVILEGED);
    const before = adminPosts(t).length;
    await scanAndAlert(t);
    const [alert] = adminPosts(t).slice(before);
    if (!alert) throw new Error("no alert");
    expect(slackMarkupProblems(alert)).toEqual([]);
    // Cut to fit, but shown as typed.
    expect(slackShownText(alert)).toContain("(evil <!everyone> <!channel> <!here> <@U123> <#C123>");
    expect(slackShownText(alert)).toContain("owner: Raj evil <!everyone>");
    expect(checkBlockKitLimits(alert.blocks as unknown[], alert.text)).toEqual([]);
  });
  it("counts every new finding of a rule but reads only the accounts it names", async () => {
    const t = await startWarden({ platform: "slack", users: [ADMIN] });
    const clean = t.db
      .prepare(
        `SELECT a.user_name FROM accounts a WHERE a.active = 1 AND NOT EXISTS (
           SELECT 1 FROM findings f WHERE f.source = a.source AND f.account_id = a.id AND f.rule = 'privileged'
         ) ORDER BY a.user_name LIMIT 12`,
      )
      .pluck()
      .all() as string[];
    expect(clean).toHaveLength(12);
    const role = t.sim.data.tables.get("sys_user_role")?.rows.find((r) => r.name === "admin");
    const grants = t.sim.data.tables.get("sys_user_has_role");
    for (const [i, name] of clean.entries()) {
      insertRow(grants!, {
        sys_id: `a1e28${String(i).padStart(27, "0")}`,
        user: t.idOf(name),
        role: role!.sys_id!,
      });
    }
    t.advance(DAY);
    const outcome = await t.scan();
    const { view } = await buildAlert(t.warden.store, {
      scans: [{ scanId: outcome.scanId, source: "servicenow" }],
      rules: ["privileged"],
      now: t.now(),
    });
    const group = view?.rules.find((g) => g.rule === "privileged");
    expect(group?.total).toBe(12);
    expect(group?.accounts).toHaveLength(ALERT_ACCOUNTS_PER_RULE);
    expect(group?.accounts.every((a) => clean.includes(a.userName))).toBe(true);
  });
});
