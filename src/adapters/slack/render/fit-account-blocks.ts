import type { types } from "@slack/bolt";
import { adviceLinkFor } from "../../../messages/advice-link-for.js";
import type { OwnerAccountView } from "../../../messages/build-owner-messages.js";
import { plural } from "../../../messages/rule-text.js";
import { summariseRules } from "../../../messages/summarise-rules.js";
import { uniqueAccounts } from "../../../messages/unique-accounts.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";
import { renderAccountBlocks } from "./render-account-blocks.js";
import { renderBasicAuthAdviceBlock } from "./render-basic-auth-advice-block.js";
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
  // ServiceNow's Basic Auth Restriction page, once under the accounts when one shown needs it:
  // its room is kept from the moment such an account is about to be added.
  const advice = renderBasicAuthAdviceBlock();
  let withAdvice = false;
  for (const account of accounts) {
    if (shown >= maxAccounts) break;
    const next =
      kind === "owner" ? renderAccountBlocks(account, options) : renderUnownedAccountBlock(account, options);
    const nextChars = countBlockText(next);
    const needsAdvice: boolean = withAdvice || (kind === "owner" && adviceLinkFor(account) !== undefined);
    const tailBlocks = TAIL_BLOCKS + (needsAdvice ? 1 : 0);
    const tailChars = TAIL_CHARS + (needsAdvice ? countBlockText([advice]) : 0);
    if (blocks.length + next.length > L.blocksPerMessage - tailBlocks) break;
    if (chars + nextChars > L.totalText - tailChars) break;
    blocks.push(...next);
    chars += nextChars;
    shown += 1;
    withAdvice = needsAdvice;
  }
  if (withAdvice) blocks.push(advice);
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
