import { CardFactory, TeamsInfo, type TurnContext } from "botbuilder";
import { ASSIGN_OWNER_ACTION_ID, decodeActionPayload } from "../../actions/action-payload.js";
import { actionOf } from "../../actions/action-registry.js";
import { normalizeEmail } from "../../identity/normalize-email.js";
import type { Logger } from "../../logger.js";
import { assignOwner } from "../../remediation/assign-owner.js";
import type { ActionRequest, ActionResult } from "../../remediation/handle-action.js";
import type { StoreTx } from "../../store/store.js";
import { recordDecisionInCard } from "./record-decision-in-card.js";
import { type AdaptiveCard, readCardInput } from "./render/index.js";

export interface TeamsActionDeps {
  store: StoreTx;
  now: () => Date;
  /** Lower-case admin emails: only they may assign owners. */
  admins?: readonly string[];
  logger: Logger;
  handleAction: (request: ActionRequest) => Promise<ActionResult>;
  /** The clicking user's email (cached roster lookup). */
  emailOf: (context: TurnContext) => Promise<string | undefined>;
}

/** What a click led to: the core's result, and the updated card when the message changed. */
export interface TeamsActionOutcome {
  /** The core's result, or the outcome of an admin assigning an owner. */
  result: ActionResult | { status: "assigned"; notice: string };
  card: AdaptiveCard | undefined;
}

/**
 * One card action, whether it came as an Action.Execute invoke or as an Action.Submit message:
 * `data` is the action's data merged with the card's inputs, `verb` the Execute verb (absent for
 * Submit). The core decides; this builds its request, then updates the original card in place
 * (`updateActivity` on the message the click came from) so everyone in the chat sees the outcome.
 */
export async function handleTeamsAction(
  deps: TeamsActionDeps,
  context: TurnContext,
  data: Record<string, unknown>,
  verb?: string,
): Promise<TeamsActionOutcome> {
  if (
    verb === ASSIGN_OWNER_ACTION_ID ||
    (verb === undefined && data.a === undefined && typeof data.id === "string")
  ) {
    return assignOwnerFromCard(deps, context, data);
  }
  const payload = decodeActionPayload(data);
  if (!payload || (verb !== undefined && verb !== actionOf(payload.a).id)) {
    return {
      result: { status: "invalid", notice: "warden does not know this button. Nothing was changed." },
      card: undefined,
    };
  }
  const { activity } = context;
  const email = await deps.emailOf(context);
  // The core checks the reason and the duration against the one Keep policy, and a Still needed's
  // reason, whatever the card sent.
  const keep: Pick<ActionRequest, "reason" | "keepDays"> =
    payload.a === "keep"
      ? {
          reason: readCardInput(data, "reason", payload),
          keepDays: readCardInput(data, "expiresInDays", payload),
        }
      : payload.a === "certify"
        ? { reason: readCardInput(data, "reason", payload) }
        : {};
  const result = await deps.handleAction({
    ...keep,
    payload,
    actor: { platform: "teams", id: activity.from.id, email },
    origin: activity.replyToId
      ? { conversation: activity.conversation.id, message: activity.replyToId }
      : undefined,
  });
  let card: AdaptiveCard | undefined;
  // Only the message the core verified the click came from, and only with its own decision.
  if (
    "decision" in result &&
    result.decision.outcome !== "pending" &&
    result.decision.messageId === payload.m
  ) {
    card = await recordDecisionInCard(deps.store, result.decision.messageId, result.decision, deps.now());
    if (card && activity.replyToId) {
      try {
        await context.updateActivity({
          type: "message",
          id: activity.replyToId,
          attachments: [CardFactory.adaptiveCard(card)],
        });
      } catch (error) {
        // The decision stands; only the shared copy of the card is out of date.
        deps.logger.warn({ err: error, replyToId: activity.replyToId }, "could not update the Teams card");
      }
    }
  }
  return { result, card };
}

/** The admin card's "Assign owner": the email typed into the account's input, checked by the core. */
async function assignOwnerFromCard(
  deps: TeamsActionDeps,
  context: TurnContext,
  data: Record<string, unknown>,
): Promise<TeamsActionOutcome> {
  const source = typeof data.s === "string" ? data.s : "";
  const accountId = typeof data.id === "string" ? data.id : "";
  const typed = normalizeEmail(readCardInput(data, "ownerEmail", { s: source, id: accountId }));
  const ownerEmail = typed && /^[^\s@]+@[^\s@]+$/.test(typed) ? typed : undefined;
  const outcome = await assignOwner(deps.store, {
    admins: deps.admins ?? [],
    actor: { platform: "teams", id: context.activity.from.id, email: await deps.emailOf(context) },
    source,
    accountId,
    ownerEmail,
    ownerName: ownerEmail ? await rosterName(deps, context, ownerEmail) : undefined,
    now: deps.now(),
  });
  return { result: { status: outcome.ok ? "assigned" : "refused", notice: outcome.notice }, card: undefined };
}

/**
 * The assigned person's name in the roster of the team the admin card is in (TeamsInfo.getMember
 * takes an email or UPN there:
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/get-teams-context#get-single-member-details).
 * Undefined when they are not in it or Teams cannot answer: they are greeted by email then.
 */
async function rosterName(
  deps: TeamsActionDeps,
  context: TurnContext,
  email: string,
): Promise<string | undefined> {
  try {
    return (await TeamsInfo.getMember(context, email)).name || undefined;
  } catch (error) {
    deps.logger.warn({ err: error }, "could not read the assigned owner's name from the Teams roster");
    return undefined;
  }
}
