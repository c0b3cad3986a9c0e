import { describe, expect, it } from "vitest";
import { renderOwnerMessageBlocks } from "../../src/adapters/slack/render/render-owner-message-blocks.js";
import { renderOwnerMessageCard } from "../../src/adapters/teams/render/index.js";
import { account, decision, entraAccount, ownerMessage } from "../adapters/slack/view-fixtures.js";
import { cardShownText, slackShownText } from "../helpers/rendered-text.js";

const NOW = new Date("2026-11-23T12:00:00Z");
const fixed = decision({ action: "fixed", outcome: "applied", undoUntil: undefined });

describe("an account fixed in its source, without a click", () => {
  it("says which source it was fixed in, on Slack and Teams", () => {
    const message = ownerMessage(2, (i) =>
      i === 0
        ? entraAccount({ sourceTitle: "Entra ID", decision: fixed })
        : account(i, { sourceTitle: "ServiceNow", decision: fixed }),
    );
    for (const shown of [
      slackShownText(renderOwnerMessageBlocks(message, { now: NOW, messageId: 1 })),
      cardShownText(renderOwnerMessageCard(message, { now: NOW, messageId: 1 })),
    ]) {
      expect(shown).toContain("fixed in Entra ID directly");
      expect(shown).toContain("fixed in ServiceNow directly");
    }
  });

  it("reads as ServiceNow in a message queued before accounts named their source", () => {
    const message = ownerMessage(1, () => account(0, { decision: fixed }));
    expect(slackShownText(renderOwnerMessageBlocks(message, { now: NOW, messageId: 1 }))).toContain(
      "fixed in ServiceNow directly",
    );
  });
});
