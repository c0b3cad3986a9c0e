import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../../src/adapters/teams/render/check-adaptive-card.js";
import { renderAlertCard } from "../../../src/adapters/teams/render/render-alert-card.js";
import { renderDigestCard } from "../../../src/adapters/teams/render/render-digest-card.js";
import { renderOwnerMessageCard } from "../../../src/adapters/teams/render/render-owner-message-card.js";
import { renderUnownedCard } from "../../../src/adapters/teams/render/render-unowned-card.js";
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
});
