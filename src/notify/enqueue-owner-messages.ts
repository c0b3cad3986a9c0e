import { createHash } from "node:crypto";
import type { Database } from "better-sqlite3";
import { enqueue } from "../store/outbox.js";
import { writeTransaction } from "../store/write-transaction.js";
import { buildOwnerMessages, type OwnerAccountView } from "../views/build-owner-messages.js";
import { viewToJson } from "./view-json.js";

/**
 * What an owner was told: accounts, their rules, and any Keep that expired since (so a finding
 * coming back after its acceptance ran out makes a new message). The same content gives the same key.
 */
function contentKey(accounts: readonly OwnerAccountView[]): string {
  const content = accounts
    .map((a) => {
      const rules = a.findings.map((f) => {
        // Stored findings carry the end of an expired Keep; a fresh Finding has none.
        const until = (f as { acceptedUntil?: Date }).acceptedUntil;
        return until ? `${f.rule}@${until.toISOString()}` : f.rule;
      });
      return `${a.source}:${a.accountId}:${rules.sort().join(",")}`;
    })
    .sort();
  return createHash("sha256").update(content.join("\n")).digest("hex").slice(0, 32);
}

/**
 * Queues one direct message per owner with their risky accounts, and one admin-channel message for
 * the accounts nobody reachable owns. A message is keyed by its content: new findings make a new
 * message; unchanged ones are not queued again (reminders are a separate job). An owner whose
 * previous message is still waiting to be delivered gets that one, with the new content.
 */
export function enqueueOwnerMessages(
  db: Database,
  options: { platform: string; adminChannel: string | undefined; now: Date },
): { owners: number; unowned: number } {
  const { platform, now } = options;
  const { messages, unowned } = buildOwnerMessages(db, { now });
  let owners = 0;
  writeTransaction(db, () => {
    for (const message of messages) {
      // buildOwnerMessages keys owners by their normalised email (normalizeEmail): one recipient each.
      const id = enqueue(db, {
        platform,
        kind: "owner_message",
        recipient: message.owner.email,
        dedupeKey: `${platform}:owner:${message.owner.email}:${contentKey(message.accounts)}`,
        payload: viewToJson(message),
        now,
        // An earlier message that could not be delivered yet takes this content: one message, the latest.
        replacePending: true,
      });
      if (id !== undefined) owners += 1;
    }
    if (unowned.length > 0 && options.adminChannel) {
      enqueue(db, {
        platform,
        kind: "unowned",
        recipient: options.adminChannel,
        dedupeKey: `${platform}:unowned:${options.adminChannel}:${contentKey(unowned)}`,
        payload: viewToJson({ accounts: unowned }),
        now,
      });
    }
  });
  return { owners, unowned: unowned.length };
}
