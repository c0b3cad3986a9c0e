import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { generateTenant } from "../../src/sources/entra/simulator/generate-tenant.js";
import { parseWithAdaptiveCards } from "../adapters/teams/parse-with-adaptivecards.js";
import { NOW } from "../helpers/demo-source.js";
import { cardMarkupProblems, cardShownText } from "../helpers/rendered-text.js";
import { startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  teamInstall,
} from "../helpers/teams-activities.js";

describe("Teams: WARDEN_MODE=ticket", () => {
  it("opens the ticket from an Action.Execute, shows its number and link in the card, and writes nothing", async () => {
    const t = await startWarden({ platform: "teams", env: { WARDEN_MODE: "ticket" } });
    const raj = t.fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
    expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);
    const conversationId = personalConversationId(raj);
    const [message] = t.fake.activities(conversationId);
    const dormantId = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
    const action = executeActions(cardOf(message)).find(
      (a) => a.verb === "warden_disable" && a.data.id === dormantId,
    );
    expect(action).toBeDefined();
    const card = { conversationId, activityId: message!.id };
    // The Disable… ShowCard confirms that a ticket is opened, not that the account changes.
    expect(cardShownText(cardOf(message))).toContain(
      "warden opens a ServiceNow ticket asking for this change (Disable)",
    );
    expect(cardShownText(cardOf(message))).not.toMatch(/You can undo it for 24 hours/);

    const answer = await t.post(executeInvoke(t.fake.serviceUrl, raj, card, action!));
    expect(answer.status).toBe(200);
    const incidents = (t.sim.data.tables.get("incident") as { rows: Record<string, string>[] }).rows;
    expect(incidents).toHaveLength(1);
    const incident = incidents[0]!;
    expect(incident.number).toBe("INC0010001");
    expect(incident.description).toContain("Requested by: raj.patel@acme.example");
    expect(t.sim.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    const users = t.sim.data.tables.get("sys_user")!;
    expect(users.rows[users.indexById.get(dormantId)!]!.active).toBe("true");

    // The card returned to the click and the one updated in place both show the ticket.
    const returned = (answer.body as { value: unknown }).value;
    const link = `[Open INC0010001](${t.sim.url}/nav_to.do?uri=incident.do?sys_id=${incident.sys_id})`;
    for (const shown of [returned, cardOf(t.fake.activities(conversationId)[0])]) {
      expect(cardShownText(shown)).toContain("Ticket INC0010001 opened by raj.patel@acme.example");
      expect(JSON.stringify(shown)).toContain(JSON.stringify(link).slice(1, -1));
      // The clicker is mentioned (their <at> with its entity); nothing else is markup.
      expect(cardMarkupProblems(shown, { mentions: [raj.id] })).toEqual([]);
      expect(checkAdaptiveCard(shown, { parse: parseWithAdaptiveCards })).toEqual([]);
      expect(executeActions(shown).filter((a) => a.data.id === dormantId)).toEqual([]);
    }
    expect(t.db.prepare("SELECT outcome FROM decisions").pluck().all()).toEqual(["ticketed"]);

    // A retried invoke opens no second ticket.
    expect((await t.post(executeInvoke(t.fake.serviceUrl, raj, card, action!))).status).toBe(200);
    expect(incidents).toHaveLength(1);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(1);

    // The account is disabled in ServiceNow; after the next scan the card says the ticket is done.
    await t.warden.connectors.get("servicenow").apply(dormantId, { kind: "disable" });
    t.advance(3_600_000);
    await t.scan();
    const updates = t.fake.requestsOf("updateActivity").length;
    await notifyOwners(t.warden);
    await t.fake.until(
      () => (t.fake.requestsOf("updateActivity").length > updates ? true : undefined),
      "the card to be updated",
    );
    expect(cardShownText(cardOf(t.fake.activities(conversationId)[0]))).toContain(
      "Done in INC0010001: seen done at 2026-11-23 03:00 UTC",
    );
  });

  it("opens the ticket for an Entra app in the ServiceNow instance, and leaves the app enabled", async () => {
    const data = generateTenant({ now: NOW });
    data.clients[0]?.roles.push("Application.ReadWrite.All");
    const owner = data.users.find((u) => u.displayName === "Bob Stone")!;
    Object.assign(owner, {
      displayName: "Raj Patel",
      mail: "raj.patel@acme.example",
      userPrincipalName: "raj.patel@acme.example",
    });
    const app = data.applications.find((a) => a.displayName === "legacy-reporting")!;
    const sp = data.servicePrincipals.find((s) => s.appId === app.appId)!;
    const t = await startWarden({ platform: "teams", entra: data, env: { WARDEN_MODE: "ticket" } });
    const raj = t.fake.addMember({
      name: "Raj Patel",
      email: "raj.patel@acme.example",
      aadObjectId: owner.id,
    });
    expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);
    const conversationId = personalConversationId(raj);
    const [message] = t.fake.activities(conversationId);
    const disable = executeActions(cardOf(message)).find(
      (a) => a.verb === "warden_disable" && a.data.id === sp.id,
    );
    expect(disable).toBeDefined();

    const answer = await t.post(
      executeInvoke(t.fake.serviceUrl, raj, { conversationId, activityId: message!.id }, disable!),
    );
    expect(answer.status).toBe(200);
    expect(sp.accountEnabled).toBe(true);
    const incidents = (t.sim.data.tables.get("incident") as { rows: Record<string, string>[] }).rows;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.short_description).toBe("Disable (accountEnabled=false): legacy-reporting (warden)");
    expect(incidents[0]!.description).toContain("in Entra ID.");
    expect(incidents[0]!.description).toContain("Account: https://entra.microsoft.com/");
    expect(cardShownText((answer.body as { value: unknown }).value)).toContain(
      "Ticket INC0010001 opened by raj.patel@acme.example",
    );
    expect(t.db.prepare("SELECT source, outcome FROM decisions").all()).toEqual([
      { source: "entra", outcome: "ticketed" },
    ]);
  });
});
