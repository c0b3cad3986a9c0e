import type { Database } from "better-sqlite3";
import { viewFromJson, viewToJson } from "../../notify/view-json.js";
import type { DecisionRecord } from "../../store/decisions.js";
import { getOutboxItem } from "../../store/outbox.js";
import type { OwnerMessageView } from "../../views/build-owner-messages.js";
import { toDecisionLineView } from "../slack/decision-view.js";
import { type AdaptiveCard, renderOwnerMessageCard } from "./render/index.js";

/**
 * Writes a decision into the stored owner message (outbox `m`), as the Slack adapter does, and
 * returns the re-rendered card: the account shows who did what and when, with Undo while open.
 * Undefined when the message is not an owner message or no longer lists the account.
 */
export function recordDecisionInCard(
  db: Database,
  outboxId: number | undefined,
  decision: DecisionRecord,
  now: Date,
): AdaptiveCard | undefined {
  if (outboxId === undefined) return undefined;
  const item = getOutboxItem(db, outboxId);
  if (item?.kind !== "owner_message" || item.platform !== "teams") return undefined;
  const view = viewFromJson<OwnerMessageView>(item.payload);
  const account = view.accounts.find((a) => a.accountId === decision.accountId);
  if (!account) return undefined;
  account.decision = toDecisionLineView(decision);
  db.prepare("UPDATE outbox SET payload = ? WHERE id = ?").run(viewToJson(view), outboxId);
  return renderOwnerMessageCard(view, { messageId: outboxId, now });
}
