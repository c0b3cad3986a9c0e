import type { types } from "@slack/bolt";
import type { OwnerAccountView } from "../../../messages/build-owner-messages.js";
import { plural } from "../../../messages/rule-text.js";
import { summariseRules } from "../../../messages/summarise-rules.js";
import { uniqueAccounts } from "../../../messages/unique-accounts.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";
import { renderAccountBlocks } from "./render-account-blocks.js";
import { renderUnownedAccountBlock } from "./render-unowned-account-block.js";
import { countBlockText, sectionBlock } from "./slack-blocks.js";

/** Room kept for the closing summary block. */
const TAIL_BLOCKS = 1;
const TAIL_CHARS = 700;

/**
 * Appends accounts after `head` while they fit: the count of `maxAccounts`, 50 blocks and the
 * message's text budget. The accounts left out become one line of counts per rule with a
 * `/warden lookup` hint, so the message is complete however many accounts there are.
 */
export function fitAccountBlocks(
  head: types.KnownBlock[],
  allAccounts: readonly OwnerAccountView[],
  options: {
    messageId?: number | undefined;
    now: Date;
    maxAccounts?: number | undefined;
    superseded?: boolean | undefined;
  },
  kind: "owner" | "unowned",
): types.KnownBlock[] {
  const accounts = uniqueAccounts(allAccounts);
  const blocks = [...head];
  let chars = countBlockText(blocks);
  const maxAccounts = Math.max(0, options.maxAccounts ?? 10);
  let shown = 0;
  for (const account of accounts) {
    if (shown >= maxAccounts) break;
    const next =
      kind === "owner" ? renderAccountBlocks(account, options) : renderUnownedAccountBlock(account, options);
    const nextChars = countBlockText(next);
    if (blocks.length + next.length > L.blocksPerMessage - TAIL_BLOCKS) break;
    if (chars + nextChars > L.totalText - TAIL_CHARS) break;
    blocks.push(...next);
    chars += nextChars;
    shown += 1;
  }
  const rest = accounts.slice(shown);
  if (rest.length > 0) {
    const rules = summariseRules(rest);
    blocks.push(
      sectionBlock(
        `… and ${plural(rest.length, "more account")}${rules ? ` (${rules})` : ""}. ` +
          "Use `/warden lookup <account>` for the others.",
        TAIL_CHARS,
      ),
    );
  }
  return blocks;
}
