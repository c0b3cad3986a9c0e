import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { DEMO_CLIENT_ID } from "../../src/sources/entra/simulator/generate-tenant.js";
import { insertRow } from "../../src/sources/servicenow/simulator/instance-data.js";
import { parseWithAdaptiveCards } from "../adapters/teams/parse-with-adaptivecards.js";
import { NOW } from "../helpers/demo-source.js";
import { cardMarkupProblems, cardShownText, HOSTILE_NAME } from "../helpers/rendered-text.js";
import { ADMIN_EMAIL, startWarden, TEAMS_ADMIN_CHANNEL, type TeamsWarden } from "../helpers/start-warden.js";
import { cardOf, personalConversationId, personalMessage, teamInstall } from "../helpers/teams-activities.js";

const DAY = 86_400_000;

/** Grants `userName` the admin role in the simulated ServiceNow instance. */
function makePrivileged(t: TeamsWarden, userName: string): void {
  const role = t.sim.data.tables.get("sys_user_role")?.rows.find((r) => r.name === "admin");
  const grants = t.sim.data.tables.get("sys_user_has_role");
  if (!role?.sys_id || !grants) throw new Error("the simulated instance has no admin role");
  insertRow(grants, { sys_id: `a1e27${"0".repeat(27)}`, user: t.idOf(userName), role: role.sys_id });
}

/**
 * An enabled Entra application whose credentials have not expired: it gets a client secret that
 * expires half a day after NOW, so a scan a day later finds it expired and still attached.
 */
function secretAboutToExpire(t: TeamsWarden): string {
  const data = t.tenant?.data;
  if (!data) throw new Error("no simulated tenant");
  const enabled = new Map(
    data.servicePrincipals
      .filter((sp) => sp.accountEnabled && sp.appId !== DEMO_CLIENT_ID)
      .map((sp) => [sp.appId, sp]),
  );
  const app = data.applications.find(
    (a) =>
      enabled.has(a.appId) &&
      [...a.passwordCredentials, ...a.keyCredentials].every((c) => new Date(c.endDateTime) > NOW),
  );
  if (!app) throw new Error("the simulated tenant has no enabled application without expired credentials");
  const name = `Payroll ${HOSTILE_NAME}`;
  app.displayName = name;
  const principal = enabled.get(app.appId);
  if (principal) principal.displayName = name;
  app.passwordCredentials.push({
    keyId: "0e1a1e27-0000-4000-8000-000000000001",
    displayName: "ci-deploy",
    hint: "x7Q",
    startDateTime: new Date(NOW.getTime() - 180 * DAY).toISOString(),
    endDateTime: new Date(NOW.getTime() + DAY / 2).toISOString(),
  });
  return name;
}

describe("immediate alerts to the Teams admin channel", () => {
  it("after `scan` from Teams, posts one card naming the newly privileged account and the app whose secret expired", async () => {
    const t = await startWarden({ platform: "teams", entra: true });
    const admin = t.fake.addMember({ name: "SecOps", email: ADMIN_EMAIL });
    expect((await t.post(teamInstall(t.fake.serviceUrl, admin, admin.tenantId))).status).toBe(200);
    // startWarden's scan of both sources was their first: the baseline, alerted to nobody.
    expect(t.fake.activities(TEAMS_ADMIN_CHANNEL)).toEqual([]);

    makePrivileged(t, "svc_cmdb_discovery");
    const appName = secretAboutToExpire(t);
    t.advance(DAY);
    // An admin starts a scan from chat: the server's scan runner scans both sources, then alerts.
    expect((await t.post(personalMessage(t.fake.serviceUrl, admin, "scan"))).status).toBe(200);
    const card = cardOf(
      await t.fake.until(
        () => t.fake.activities(TEAMS_ADMIN_CHANNEL)[0],
        "the alert card in the admin channel",
      ),
    );
    expect(JSON.stringify(t.fake.activities(personalConversationId(admin)))).toContain("Scan started");
    const shown = cardShownText(card);
    expect(shown).toContain("warden alert: 2 new findings after the scan");
    expect(shown).toMatch(/Privileged role: 1 account gained a privileged role[\s\S]*svc_cmdb_discovery/);
    expect(shown).toMatch(/Expired credential: 1 account let a credential expire without removing it/);
    // The app's name is data: shown as typed (cut to fit), formatting nothing, linking nothing.
    expect(shown).toContain(`**${appName.slice(0, 40)}`);
    expect(shown).toContain('"ci-deploy"');
    expect(shown).toContain("[ServiceNow] **svc_cmdb_discovery**");
    expect(cardMarkupProblems(card)).toEqual([]);
    expect(checkAdaptiveCard(card, { parse: parseWithAdaptiveCards })).toEqual([]);
    expect(t.fake.activities(TEAMS_ADMIN_CHANNEL)).toHaveLength(1);
  });
});
