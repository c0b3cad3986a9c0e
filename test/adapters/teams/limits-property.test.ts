import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../../src/adapters/teams/render/check-adaptive-card.js";
import { renderAlertCard } from "../../../src/adapters/teams/render/render-alert-card.js";
import { renderDigestCard } from "../../../src/adapters/teams/render/render-digest-card.js";
import { renderOwnerMessageCard } from "../../../src/adapters/teams/render/render-owner-message-card.js";
import { renderUnownedCard } from "../../../src/adapters/teams/render/render-unowned-card.js";
import { RULE_NAMES } from "../../../src/core/model.js";
import { ALERT_ACCOUNTS_PER_RULE, type AlertView } from "../../../src/messages/build-alert.js";
import { anyAlert, anyDigest, anyOwnerMessage, NOW } from "../slack/view-arbitraries.js";
import { parseWithAdaptiveCards } from "./parse-with-adaptivecards.js";

const check = (card: unknown) => checkAdaptiveCard(card, { parse: parseWithAdaptiveCards });

describe("Adaptive Card limits hold for random views of random sizes", () => {
  it("owner messages and the unowned list", () => {
    fc.assert(
      fc.property(
        anyOwnerMessage,
        fc.option(fc.nat(), { nil: undefined }),
        fc.nat(200),
        (message, messageId, maxAccounts) => {
          expect(check(renderOwnerMessageCard(message, { now: NOW, messageId, maxAccounts }))).toEqual([]);
          expect(check(renderUnownedCard(message.accounts, { now: NOW, messageId, maxAccounts }))).toEqual(
            [],
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("digests", () => {
    fc.assert(
      fc.property(anyDigest, (view) => {
        expect(check(renderDigestCard(view))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("immediate alerts", () => {
    fc.assert(
      fc.property(anyAlert, (view) => {
        expect(check(renderAlertCard(view))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("an alert on every rule with long multi-byte names stays within 28 KB and still counts every account", () => {
    const text = "😀&<_é".repeat(800);
    const view: AlertView = {
      generatedAt: NOW,
      sources: ["servicenow"],
      rules: RULE_NAMES.map((rule) => ({
        rule,
        total: 500,
        accounts: Array.from({ length: ALERT_ACCOUNTS_PER_RULE }, (_, i) => ({
          source: "servicenow",
          accountId: `a${i}`,
          userName: `${text}${i}`,
          name: text,
          ownerName: text,
          ownerEmail: "owner@acme.example",
          severity: "critical" as const,
          summary: text,
          evidence: [text, text],
        })),
      })),
      total: 500 * RULE_NAMES.length,
    };
    const card = renderAlertCard(view);
    expect(check(card)).toEqual([]);
    const shown = JSON.stringify(card);
    // Every rule is still there with the count of the accounts it left out.
    expect(shown.match(/… and \d+ more/g)?.length).toBe(RULE_NAMES.length);
  });
});
