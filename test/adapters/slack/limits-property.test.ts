import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkBlockKitLimits } from "../../../src/adapters/slack/render/check-block-kit-limits.js";
import { renderAlertBlocks } from "../../../src/adapters/slack/render/render-alert-blocks.js";
import { renderDigestBlocks } from "../../../src/adapters/slack/render/render-digest-blocks.js";
import { renderOwnerMessageBlocks } from "../../../src/adapters/slack/render/render-owner-message-blocks.js";
import { renderUnownedBlocks } from "../../../src/adapters/slack/render/render-unowned-blocks.js";
import { anyAlert, anyDigest, anyOwnerMessage, NOW } from "./view-arbitraries.js";

describe("Block Kit limits hold for random views of random sizes", () => {
  it("owner messages and the unowned list", () => {
    fc.assert(
      fc.property(
        anyOwnerMessage,
        fc.option(fc.nat(), { nil: undefined }),
        fc.nat(200),
        (message, messageId, maxAccounts) => {
          const owner = renderOwnerMessageBlocks(message, { now: NOW, messageId, maxAccounts });
          expect(checkBlockKitLimits(owner.blocks, owner.text)).toEqual([]);
          const admin = renderUnownedBlocks(message.accounts, { now: NOW, messageId, maxAccounts });
          expect(checkBlockKitLimits(admin.blocks, admin.text)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("digests", () => {
    fc.assert(
      fc.property(anyDigest, (view) => {
        const { blocks, text } = renderDigestBlocks(view);
        expect(checkBlockKitLimits(blocks, text)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("immediate alerts", () => {
    fc.assert(
      fc.property(anyAlert, (view) => {
        const { blocks, text } = renderAlertBlocks(view);
        expect(checkBlockKitLimits(blocks, text)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
