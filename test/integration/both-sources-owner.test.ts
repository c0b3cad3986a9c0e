import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { generateTenant } from "../../src/sources/entra/simulator/generate-tenant.js";
import type { TenantData } from "../../src/sources/entra/simulator/tenant-data.js";
import { NOW } from "../helpers/demo-source.js";
import { cardShownText } from "../helpers/rendered-text.js";
import { slackButtons, startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  teamInstall,
} from "../helpers/teams-activities.js";

const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

/**
 * The demo tenant where the Entra user who owns "legacy-reporting" (dormant) and other apps is
 * Raj, who also owns ServiceNow accounts of the demo instance: one person, both sources. warden's
 * app registration is granted the opt-in remediation permission (the demo's is read-only).
 */
function tenantOwnedByRaj(): {
  data: TenantData;
  rajObjectId: string;
  spOf: (name: string) => { id: string; accountEnabled: boolean };
} {
  const data = generateTenant({ now: NOW });
  data.clients[0]?.roles.push("Application.ReadWrite.All");
  const owner = data.users.find((u) => u.displayName === "Bob Stone");
  if (!owner) throw new Error("the demo tenant has no Bob Stone");
  owner.displayName = RAJ.name;
  owner.mail = RAJ.email;
  owner.userPrincipalName = RAJ.email;
  const spOf = (name: string) => {
    const app = data.applications.find((a) => a.displayName === name);
    const sp = data.servicePrincipals.find((s) => s.appId === app?.appId);
    if (!sp) throw new Error(`no service principal for ${name}`);
    return sp;
  };
  return { data, rajObjectId: owner.id, spOf };
}

describe("one owner of ServiceNow accounts and Entra apps", () => {
  it("Teams: gets one card covering both sources, found by Entra object id, and disables an Entra app and undoes it", async () => {
    const { data, rajObjectId, spOf } = tenantOwnedByRaj();
    const t = await startWarden({ platform: "teams", entra: data });
    const raj = t.fake.addMember({ name: RAJ.name, email: RAJ.email, aadObjectId: rajObjectId });
    expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);

    const cards = t.fake.activities(personalConversationId(raj));
    expect(cards).toHaveLength(1);
    const shown = cardShownText(cardOf(cards[0]!));
    expect(shown).toContain("legacy-reporting");
    expect(shown).toContain("Entra ID");
    expect(shown).toContain("ServiceNow");
    // Raj was looked up in the team's roster by his Entra object id, not by email.
    expect(t.fake.requestsOf("getMember").map((r) => r.memberId)).toContain(rajObjectId);

    const sp = spOf("legacy-reporting");
    const card = { conversationId: personalConversationId(raj), activityId: cards[0]!.id };
    const disable = executeActions(cardOf(cards[0]!)).find(
      (a) => a.verb === "warden_disable" && a.data.id === sp.id,
    );
    expect(disable).toBeDefined();
    const answer = await t.post(executeInvoke(t.fake.serviceUrl, raj, card, disable!));
    expect(answer.status).toBe(200);
    expect(sp.accountEnabled).toBe(false);
    const returned = (answer.body as { value: unknown }).value;
    expect(JSON.stringify(returned)).toMatch(/Disabled by <at>raj\.patel@acme\.example<\/at>/);

    const undo = executeActions(returned).find((a) => a.verb === "warden_undo" && a.data.id === sp.id);
    expect(undo).toBeDefined();
    expect((await t.post(executeInvoke(t.fake.serviceUrl, raj, card, undo!))).status).toBe(200);
    expect(sp.accountEnabled).toBe(true);
    expect(
      t.db
        .prepare("SELECT source || ':' || action || ':' || outcome FROM decisions ORDER BY id")
        .pluck()
        .all(),
    ).toEqual(["entra:disable:applied", "entra:undo:applied"]);
  });

  it("Slack: gets one DM covering both sources, found by mail, and disables an Entra app and undoes it", async () => {
    const { data, spOf } = tenantOwnedByRaj();
    const t = await startWarden({ platform: "slack", users: [RAJ], entra: data });
    await notifyOwners(t.warden);

    const dms = t.slack.messages(`D${RAJ.id}`);
    expect(dms).toHaveLength(1);
    const dm = dms[0]!;
    const text = JSON.stringify(dm.blocks);
    expect(text).toContain("legacy-reporting");
    expect(text).toContain("Entra ID");
    expect(text).toContain("ServiceNow");

    const sp = spOf("legacy-reporting");
    const disable = slackButtons(dm).find(
      (b) => b.action_id === "warden_disable" && decodeActionPayload(b.value)?.id === sp.id,
    );
    expect(disable).toBeDefined();
    expect((await t.click(RAJ, { channel: `D${RAJ.id}`, ts: dm.ts }, disable!)).status).toBe(200);
    await t.slack.until(() => sp.accountEnabled === false || undefined, "the app to be disabled");
    await t.slack.until(() => t.slack.messages(`D${RAJ.id}`)[0]?.edits || undefined, "the DM to be updated");
    const undo = slackButtons(t.slack.messages(`D${RAJ.id}`)[0]!).find(
      (b) => b.action_id === "warden_undo" && decodeActionPayload(b.value)?.id === sp.id,
    );
    expect(undo).toBeDefined();
    await t.click(RAJ, { channel: `D${RAJ.id}`, ts: dm.ts }, undo!);
    await t.slack.until(() => sp.accountEnabled === true || undefined, "the app to be enabled again");
    await t.slack.until(
      () =>
        t.db.prepare("SELECT 1 FROM decisions WHERE outcome = 'pending'").get() === undefined || undefined,
      "the undo to be recorded",
    );
    expect(
      t.db
        .prepare("SELECT source || ':' || action || ':' || outcome FROM decisions ORDER BY id")
        .pluck()
        .all(),
    ).toEqual(["entra:disable:applied", "entra:undo:applied"]);
  });
});
