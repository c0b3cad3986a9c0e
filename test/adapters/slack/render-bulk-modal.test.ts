import { describe, expect, it } from "vitest";
import { renderBulkModal } from "../../../src/adapters/slack/render/render-bulk-modal.js";
import { checkAdaptiveCard, renderOwnerMessageCard } from "../../../src/adapters/teams/render/index.js";
import { bulkChoices } from "../../../src/remediation/bulk-choices.js";
import { parseWithAdaptiveCards } from "../teams/parse-with-adaptivecards.js";
import { account, decision, LONG, NOW, ownerMessage } from "./view-fixtures.js";

interface Block {
  type: string;
  block_id?: string;
  label?: { text: string };
  element?: { type: string; options?: { text: { text: string }; value: string }[] };
}

describe("the bulk form", () => {
  it("lists 150 accounts within Block Kit's limits: 100 options per select, 10 per checkbox group, 100 blocks", () => {
    const message = ownerMessage(150, (i) => account(i, i === 7 ? { userName: LONG } : {}));
    const view = renderBulkModal(bulkChoices(message), "sealed");
    const blocks = view.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(100);
    expect(view.type).toBe("modal");
    if (view.type === "modal") expect(view.title.text.length).toBeLessThanOrEqual(24);
    const picked = new Set<string>();
    for (const block of blocks) {
      const options = block.element?.options ?? [];
      if (block.element?.type === "multi_static_select") expect(options.length).toBeLessThanOrEqual(100);
      if (block.element?.type === "checkboxes" || block.element?.type === "radio_buttons")
        expect(options.length).toBeLessThanOrEqual(10);
      for (const o of options) expect(o.text.text.length).toBeLessThanOrEqual(75);
      if (block.block_id?.startsWith("accounts.")) for (const o of options) picked.add(o.value);
    }
    // Every account can be picked, and "basic_auth" (all 150) is split over two selects.
    expect(picked.size).toBe(150);
    expect(blocks.filter((b) => b.block_id?.startsWith("accounts.basic_auth.")).length).toBe(2);
    const ids = blocks.map((b) => b.block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("offers only the registry's actions of the open accounts, saying when not for all", () => {
    const message = ownerMessage(4);
    message.accounts[1]!.decision = decision();
    const choices = bulkChoices(message);
    expect(choices.accounts.map((c) => c.index)).toEqual([0, 2, 3]);
    expect(choices.decided).toBe(1);
    // Accounts 0 and 3 are Web Service Access Only: Restrict is offered for 1 of 3 (account 2).
    expect(choices.actions.map((a) => [a.kind, a.offeredFor])).toEqual([
      ["disable", 3],
      ["restrict", 1],
      ["keep", 3],
      ["not_mine", 3],
    ]);
    const radio = (renderBulkModal(choices, "x").blocks as Block[]).find((b) => b.block_id === "action");
    expect(radio?.element?.options?.map((o) => o.text.text)).toContain(
      "Restrict to API only (offered for 1 of 3)",
    );
  });

  it("fits the Teams owner card, compact when the card is full, and parses as Adaptive Card 1.5", () => {
    for (const count of [2, 10, 100]) {
      const card = renderOwnerMessageCard(ownerMessage(count), { messageId: 9, now: NOW });
      expect(checkAdaptiveCard(card, { parse: parseWithAdaptiveCards })).toEqual([]);
      expect(JSON.stringify(card.actions ?? [])).toContain("Decide for several");
    }
    expect(JSON.stringify(renderOwnerMessageCard(ownerMessage(1), { messageId: 9, now: NOW }))).not.toContain(
      "Decide for several",
    );
  });
});
