import type { RuleName } from "../core/model.js";
import type { OwnerAccountView } from "../messages/build-owner-messages.js";
import type { ActionKind, ActionPayload } from "./action-payload.js";

/**
 * The payload a button carries for `account`, shared by the Slack and Teams renderers. Optional
 * keys are left out rather than set to undefined, so the Teams `data` object is plain JSON.
 */
export function buildActionPayload(
  action: ActionKind,
  account: Pick<OwnerAccountView, "source" | "accountId" | "findings" | "campaignId">,
  messageId: number | undefined,
  decisionId?: number,
): ActionPayload {
  // Unique, in rule order: the handler compares them with the open findings to spot stale buttons.
  const rules = [...new Set<RuleName>(account.findings.map((f) => f.rule))];
  const payload: ActionPayload = { a: action, s: account.source, id: account.accountId, r: rules };
  if (messageId !== undefined) payload.m = messageId;
  if (decisionId !== undefined) payload.d = decisionId;
  if (account.campaignId !== undefined) payload.c = account.campaignId;
  return payload;
}
