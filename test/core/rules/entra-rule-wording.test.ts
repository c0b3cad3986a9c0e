import { describe, expect, it } from "vitest";
import { renderOwnerMessageBlocks } from "../../../src/adapters/slack/render/render-owner-message-blocks.js";
import { renderOwnerMessageCard } from "../../../src/adapters/teams/render/render-owner-message-card.js";
import { renderOwnerMessagesText } from "../../../src/adapters/terminal/render-owner-messages-text.js";
import { judgeIdentity } from "../../../src/core/assess-identity.js";
import { type OwnerMessageView, toOwnerAccountView } from "../../../src/messages/build-owner-messages.js";
import { REMEDIATION_TEXT, RULE_TITLES } from "../../../src/messages/rule-text.js";
import {
  cardMarkupProblems,
  cardShownText,
  HOSTILE_NAME,
  slackMarkupProblems,
  slackShownText,
} from "../../helpers/rendered-text.js";
import { NOW, startTestTenant } from "../../sources/entra/start-test-tenant.js";

/** One app per Entra rule, as the seeded tenant has them. */
const APPS = [
  "legacy-reporting",
  "cert-expiring",
  "secret-expired",
  "forever-secret",
  "orphan-app",
  "tenant-admin-bot",
];

describe("the Entra rules in owner messages on every platform", () => {
  it("show each rule's title, its Entra remediation and the credential named in the source, as data", async () => {
    const tenant = await startTestTenant();
    const expired = tenant.sim.data.applications.find((a) => a.displayName === "secret-expired");
    const old = expired?.passwordCredentials[0];
    if (old) old.displayName = HOSTILE_NAME;
    const inventory = await tenant.connector().collectInventory({ now: NOW, dormantDays: 90 });
    const accounts = APPS.map((name) => {
      const identity = inventory.identities.find((i) => i.name === name);
      if (!identity) throw new Error(name);
      const { findings } = judgeIdentity(identity, undefined, { now: NOW, dormantDays: 90, blindSpots: [] });
      return toOwnerAccountView(identity, findings);
    });
    const rules = accounts.flatMap((a) => a.findings);
    expect(new Set(rules.map((f) => f.rule)).size).toBe(6);
    const message: OwnerMessageView = {
      owner: { id: "o1", userName: "alice", name: "Alice Ng", email: "alice@example.com", active: true },
      accounts,
    };

    const slack = renderOwnerMessageBlocks(message, { now: NOW, messageId: 1, maxAccounts: 20 });
    const teams = renderOwnerMessageCard(message, { now: NOW, messageId: 1, maxAccounts: 20 });
    const terminal = renderOwnerMessagesText({ messages: [message], unowned: [] }, { accountsPerOwner: 20 });
    expect(slackMarkupProblems(slack)).toEqual([]);
    expect(cardMarkupProblems(teams)).toEqual([]);
    const shown = { slack: slackShownText(slack), teams: cardShownText(teams), terminal };
    for (const [platform, text] of Object.entries(shown)) {
      for (const finding of rules) {
        expect(text, `${platform}: ${finding.rule}`).toContain(RULE_TITLES[finding.rule]);
        expect(text, `${platform}: ${finding.rule}`).toContain(REMEDIATION_TEXT[finding.remediation]);
      }
      expect(text, platform).toContain("Remove the expired credential from the app registration");
      expect(text, platform).toContain("Remove the Graph permissions and directory roles it does not need");
      // The hostile secret name is shown as typed, in the summary of credential_expired.
      expect(text, platform).toContain(HOSTILE_NAME);
    }
  });
});
