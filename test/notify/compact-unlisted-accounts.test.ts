import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderAdminAccountsBlocks } from "../../src/adapters/slack/render/render-admin-accounts-blocks.js";
import { renderAdminAccountsCard } from "../../src/adapters/teams/render/render-admin-accounts-card.js";
import { compactUnlistedAccounts, LISTED_IN_FULL } from "../../src/notify/compact-unlisted-accounts.js";
import {
  type AdminAccountsView,
  decodeOutboxMessage,
  encodeOutboxMessage,
} from "../../src/notify/outbox-message.js";
import { packPayload } from "../../src/store/packed-payload.js";
import { anyAccount } from "../adapters/slack/view-arbitraries.js";
import { account, NOW } from "../adapters/slack/view-fixtures.js";

/** The view as it comes back from the outbox: encoded, stored, decoded. */
function stored(platform: string, view: AdminAccountsView): AdminAccountsView {
  const json = JSON.parse(JSON.stringify(encodeOutboxMessage(platform, { kind: "unowned", view })));
  const message = decodeOutboxMessage(platform, "unowned", json);
  if (message.kind !== "unowned") throw new Error(`decoded a ${message.kind}`);
  return message.view;
}

// Accounts with distinct ids (a view never repeats one), riskiest first as buildOwnerMessages sorts them.
const anyAccounts = fc
  .array(anyAccount, { maxLength: 45 })
  .map((list) => list.map((a, i) => ({ ...a, accountId: `${i}:${a.accountId}` })));

describe("an admin-channel list stores whole only the accounts a message can list", () => {
  it("renders the same Slack message and Teams card from the compacted list as from the whole one", () => {
    fc.assert(
      fc.property(anyAccounts, fc.boolean(), (accounts, rerouted) => {
        const extra = rerouted
          ? { unreachableOwner: "paula@acme.example", reason: "not in the workspace" }
          : {};
        const whole: AdminAccountsView = { accounts, ...extra };
        const compact: AdminAccountsView = { accounts: compactUnlistedAccounts(accounts), ...extra };
        const options = { messageId: 7, now: NOW };
        expect(renderAdminAccountsBlocks(stored("slack", compact), options)).toEqual(
          renderAdminAccountsBlocks(stored("slack", whole), options),
        );
        expect(renderAdminAccountsCard(stored("teams", compact), options)).toEqual(
          renderAdminAccountsCard(stored("teams", whole), options),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("keeps every account's id and rules, and stores a list of 1,600 accounts in a fraction of the bytes", () => {
    const accounts = Array.from({ length: 1600 }, (_, i) => account(i));
    const compact = compactUnlistedAccounts(accounts);
    expect(compact.map((a) => [a.source, a.accountId, a.findings.map((f) => f.rule)])).toEqual(
      accounts.map((a) => [a.source, a.accountId, a.findings.map((f) => f.rule)]),
    );
    expect(compact.slice(0, LISTED_IN_FULL)).toEqual(accounts.slice(0, LISTED_IN_FULL));
    expect(compact[LISTED_IN_FULL]?.findings[0]?.evidence).toEqual([]);
    const bytes = (list: typeof accounts) =>
      JSON.stringify(encodeOutboxMessage("slack", { kind: "unowned", view: { accounts: list } })).length;
    // These fixtures carry little evidence; a scanned account's view is ~10× its compact form.
    expect(bytes(compact)).toBeLessThan(bytes(accounts) * 0.6);
    expect(
      packPayload(encodeOutboxMessage("slack", { kind: "unowned", view: { accounts: compact } })).length,
    ).toBeLessThan(packPayload(encodeOutboxMessage("slack", { kind: "unowned", view: { accounts } })).length);
  });
});
