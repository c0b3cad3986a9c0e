import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { notifyOwners, postDigest } from "../../src/app/post-digest.js";
import { generateTenant } from "../../src/sources/entra/simulator/generate-tenant.js";
import { parseWithAdaptiveCards } from "../adapters/teams/parse-with-adaptivecards.js";
import { NOW } from "../helpers/demo-source.js";
import { cardShownText } from "../helpers/rendered-text.js";
import { viewSubmissionBody } from "../helpers/sign-slack.js";
import {
  type SlackWarden,
  slackButtons,
  startWarden,
  TEAMS_DIGEST_CHANNEL,
} from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  personalConversationId,
  submitMessage,
  teamInstall,
} from "../helpers/teams-activities.js";

const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

/** The demo tenant with Raj as the Entra user owning "legacy-reporting" (and other apps). */
function tenantOwnedByRaj() {
  const data = generateTenant({ now: NOW });
  const owner = data.users.find((u) => u.displayName === "Bob Stone");
  if (!owner) throw new Error("the demo tenant has no Bob Stone");
  owner.displayName = RAJ.name;
  owner.mail = RAJ.email;
  owner.userPrincipalName = RAJ.email;
  const app = data.applications.find((a) => a.displayName === "legacy-reporting");
  const sp = data.servicePrincipals.find((s) => s.appId === app?.appId);
  if (!sp) throw new Error("no service principal for legacy-reporting");
  return { data, rajObjectId: owner.id, sp };
}

const entraUrl = (sp: { id: string; appId: string }) =>
  `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/${sp.id}/appId/${sp.appId}`;

describe("messages people read: the account named, accepted risk marked apart, a console link", () => {
  it("Slack: the Keep modal names the account, and a kept account is marked accepted, not fixed", async () => {
    const t = await startWarden({ platform: "slack", users: [RAJ] });
    await notifyOwners(t.warden);
    const dm = t.slack.messages(`D${RAJ.id}`)[0]!;
    const keep = slackButtons(dm).find((b) => b.action_id === "warden_keep")!;
    const accountId = decodeActionPayload(keep.value)!.id;
    const userName = t.db
      .prepare("SELECT user_name FROM accounts WHERE id = ?")
      .pluck()
      .get(accountId) as string;
    await t.click(RAJ, { channel: `D${RAJ.id}`, ts: dm.ts }, keep);
    const opened = await t.slack.until(() => [...t.slack.views()][0], "the modal");
    const modal = opened.view as {
      title: { text: string };
      private_metadata: string;
      blocks: { text?: { text: string } }[];
    };
    // A modal title is at most 24 characters: a longer name is cut with "…".
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    expect(`Keep ${userName}`.startsWith(modal.title.text.replace(/…$/, ""))).toBe(true);
    expect(modal.blocks[0]?.text?.text).toContain(`*${userName}*`);
    expect(modal.blocks[0]?.text?.text).toMatch(/Accepting: .+/);

    const submitted = await t.post(
      viewSubmissionBody({
        userId: RAJ.id,
        callbackId: "warden_keep",
        privateMetadata: modal.private_metadata,
        values: {
          reason: { reason: { type: "plain_text_input", value: "nightly export for finance" } },
          expiry: { expiry: { type: "static_select", selected_option: { value: "30" } } },
        },
      }),
    );
    expect(submitted.status).toBe(200);
    const updated = await t.slack.until(
      () => (t.slack.messages(`D${RAJ.id}`)[0]?.edits ? t.slack.messages(`D${RAJ.id}`)[0] : undefined),
      "the DM to be updated",
    );
    const kept = JSON.stringify(updated.blocks);
    expect(kept).toContain(":large_yellow_circle: *Kept");
    expect(kept).not.toContain(":white_check_mark:");
  });

  it("Teams: a kept account is marked accepted (amber), not fixed (green)", async () => {
    const t = await startWarden({ platform: "teams" });
    const raj = t.fake.addMember({ name: RAJ.name, email: RAJ.email });
    expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);
    const conversationId = personalConversationId(raj);
    const [message] = t.fake.activities(conversationId);
    const action = executeActions(cardOf(message)).find((a) => a.verb === "warden_keep")!;
    const s = action.data.s as string;
    const id = action.data.id as string;
    const data = {
      ...action.data,
      [`reason.${s}.${id}`]: "Feeds the CMDB",
      [`expiresInDays.${s}.${id}`]: "30",
    };
    const card = { conversationId, activityId: message!.id };
    expect((await t.post(submitMessage(t.fake.serviceUrl, raj, card, data))).status).toBe(200);
    const updated = cardOf(t.fake.activities(conversationId)[0]) as {
      body: { type: string; items?: { text?: string; color?: string }[] }[];
    };
    const outcome = updated.body.find((e) => e.type === "Container")?.items?.[0];
    expect(outcome?.text).toMatch(/^🟡 Kept \\\(risk accepted\\\) by <at>raj\.patel@acme\.example<\/at>/);
    expect(outcome?.color).toBe("warning");
    expect(JSON.stringify(updated)).not.toContain("✅");
  });

  it("Slack and Teams: a ServiceNow account carries an Open in ServiceNow link to its sys_user record", async () => {
    const s = await startWarden({ platform: "slack", users: [RAJ] });
    await notifyOwners(s.warden);
    const dm = s.slack.messages(`D${RAJ.id}`)[0]!;
    const id = decodeActionPayload(slackButtons(dm).find((b) => b.action_id === "warden_keep")!.value)!.id;
    const origin = new URL(s.sim.url).origin;
    const url = `${origin}/nav_to.do?uri=sys_user.do%3Fsys_id%3D${id}`;
    expect(JSON.stringify(dm.blocks)).toContain(JSON.stringify(`<${url}|Open in ServiceNow>`));

    const t = await startWarden({ platform: "teams" });
    const raj = t.fake.addMember({ name: RAJ.name, email: RAJ.email });
    expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);
    const card = cardOf(t.fake.activities(personalConversationId(raj))[0]);
    const teamsOrigin = new URL(t.sim.url).origin;
    const teamsId = executeActions(card).find((a) => a.verb === "warden_keep")!.data.id as string;
    expect(JSON.stringify(card)).toContain(
      `[Open in ServiceNow](${teamsOrigin}/nav_to.do?uri=sys_user.do%3Fsys_id%3D${teamsId})`,
    );
    expect(checkAdaptiveCard(card, { parse: parseWithAdaptiveCards })).toEqual([]);
  });

  it("Slack and Teams: an Entra app carries an Open in Entra admin center link", async () => {
    const slackTenant = tenantOwnedByRaj();
    const s = await startWarden({ platform: "slack", users: [RAJ], entra: slackTenant.data });
    await notifyOwners(s.warden);
    const dm = JSON.stringify(s.slack.messages(`D${RAJ.id}`)[0]!.blocks);
    expect(dm).toContain(JSON.stringify(`<${entraUrl(slackTenant.sp)}|Open in Entra admin center>`));

    const teamsTenant = tenantOwnedByRaj();
    const t = await startWarden({ platform: "teams", entra: teamsTenant.data });
    const raj = t.fake.addMember({ name: RAJ.name, email: RAJ.email, aadObjectId: teamsTenant.rajObjectId });
    expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);
    const card = JSON.stringify(cardOf(t.fake.activities(personalConversationId(raj))[0]));
    expect(card).toContain(`[Open in Entra admin center](${entraUrl(teamsTenant.sp)})`);
  });

  describe("the digest's trend: why the score moved, and the last twelve scores as a sparkline", () => {
    /** Twelve scans: eleven alike, then the dormant account is disabled in ServiceNow before the last. */
    async function twelveScans(t: Pick<SlackWarden, "scan" | "advance" | "sim" | "idOf" | "db">) {
      // An hour between scans, as on a real schedule: each scan's changes are after the one before.
      for (let i = 0; i < 10; i++) {
        t.advance(3_600_000);
        await t.scan();
      }
      const dormant = t.sim.data.scenarios.dormant?.[0] as string;
      const users = t.sim.data.tables.get("sys_user")!;
      users.rows[users.indexById.get(t.idOf(dormant))!]!.active = "false";
      t.advance(3_600_000);
      await t.scan();
      return t.db
        .prepare("SELECT score FROM scans WHERE status = 'succeeded' ORDER BY id")
        .pluck()
        .all() as number[];
    }
    const sparklineOf = (text: string) => /Last 12 scores: ([▁▂▃▄▅▆▇█]+) \((\d+) → (\d+)\)/.exec(text);

    it("Slack", async () => {
      const t = await startWarden({ platform: "slack", users: [RAJ] });
      const scores = await twelveScans(t);
      expect(scores).toHaveLength(12);
      expect(scores.at(-1)).toBeGreaterThan(scores[0]!);
      await postDigest(t.warden);
      const text = JSON.stringify(t.slack.messages("CDIGEST")[0]?.blocks);
      const line = sparklineOf(text);
      expect(line?.[1]).toHaveLength(12);
      // Eleven equal scores, then a higher one: flat bars and a taller last one.
      expect(new Set(line?.[1]?.slice(0, 11)).size).toBe(1);
      expect(line?.[1]?.at(-1)).not.toBe(line?.[1]?.[0]);
      expect([Number(line?.[2]), Number(line?.[3])]).toEqual([scores[0], scores.at(-1)]);
      expect(text).toContain(`${scores[10]} → ${scores[11]}: fixed: 1 `);
    });

    it("Teams", async () => {
      const t = await startWarden({ platform: "teams" });
      const raj = t.fake.addMember({ name: RAJ.name, email: RAJ.email });
      expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
      const scores = await twelveScans(t);
      expect(await postDigest(t.warden)).toEqual({ sent: 1, failed: 0 });
      const card = cardOf(t.fake.activities(TEAMS_DIGEST_CHANNEL)[0]);
      // As Teams shows it: the card's Markdown escapes read as the characters they stand for.
      const text = cardShownText(card);
      expect(sparklineOf(text)?.[1]).toHaveLength(12);
      expect(text).toContain(`${scores[10]} → ${scores[11]}: fixed: 1 `);
      expect(checkAdaptiveCard(card, { parse: parseWithAdaptiveCards })).toEqual([]);
    });
  });
});
