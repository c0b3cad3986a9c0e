import { type ActionKind, actionOf, isActionKind } from "../actions/action-registry.js";
import { buildActionPayload } from "../actions/build-action-payload.js";
import type { OwnerAccountView, OwnerMessageView } from "../messages/build-owner-messages.js";
import { describeDecisionParts, showsActionButtons } from "../messages/describe-decision.js";
import { plainRichText, type RichText } from "../messages/rich-text.js";
import { type DecidableMessage, recordDecisionInDecidable } from "../notify/record-decision-in-message.js";
import type { Repositories } from "../store/store.js";
import { yieldToLoop } from "../yield-to-loop.js";
import type { ActionRequest, ActionResult, Actor } from "./action-request.js";
import { bulkChoices } from "./bulk-choices.js";
import { type ClickOrigin, verifyOrigin } from "./verify-origin.js";

/** At most this many decisions in flight: a bulk of 100 must not starve other owners' clicks. */
export const BULK_CONCURRENCY = 4;

/** A "Decide for several…" (or an access review's "Still needed for all…") submission, as an adapter read it from its form. */
export interface BulkRequest {
  actor: Actor;
  /** The owner or access review message the form was opened from (outbox id). */
  messageId: number;
  /** Where that message is, as the platform reported it: each decision's origin check uses it. */
  origin: ClickOrigin | undefined;
  /** The action's kind (the form's value: checked against the registry). */
  action: unknown;
  /** Picked accounts, as indices into the message's view. */
  accounts: readonly number[];
  /** "Every account with this finding": rules whose open accounts are all picked. */
  rules?: readonly string[] | undefined;
  reason?: string | undefined;
  keepDays?: unknown;
  /**
   * Called once the form was accepted, before the first decision, with how many accounts it
   * picked: an adapter that must answer the click soon (a Teams invoke) answers then.
   */
  onStart?: (start: { count: number; action: ActionKind }) => void;
}

/** One picked account and what became of it. */
export interface BulkItem {
  userName: string;
  source: string;
  accountId: string;
  /** "done": decided now; "failed": attempted and failed; "skipped": nothing was changed. */
  outcome: "done" | "failed" | "skipped";
  /** Why, in words for the person who submitted (the core's notice, or why it was not attempted). */
  notice: string;
  /** The notice as parts when it names a time (see ActionResult.noticeParts). */
  noticeParts?: RichText | undefined;
  /** Sent to the action handler (false: skipped before, e.g. already decided in this message). */
  attempted: boolean;
}

export type BulkOutcome =
  | { ok: false; notice: string }
  | {
      ok: true;
      action: ActionKind;
      items: BulkItem[];
      /** The owner message's view with every decision recorded: the adapter re-renders it in place. */
      view: OwnerMessageView | undefined;
      /** The message with every decision recorded, owner or access review message alike. */
      recorded: DecidableMessage | undefined;
    };

export interface BulkDeciderDeps {
  store: Pick<Repositories, "outbox" | "audit">;
  handleAction: (request: ActionRequest) => Promise<ActionResult>;
  now: () => Date;
}

/**
 * Many decisions from one form: each picked account becomes its own request to the one action
 * handler (authorization, origin, stale and repeat checks, claim, re-read, audit), exactly as if
 * its button had been clicked in the message, so a second submission of the same form applies
 * nothing twice (the repeats are duplicates) and an account that is not the submitter's is
 * refused on its own. At most BULK_CONCURRENCY run at once, yielding to the event loop between.
 */
export function createBulkDecider(deps: BulkDeciderDeps) {
  return async function bulkDecide(request: BulkRequest): Promise<BulkOutcome> {
    const { actor } = request;
    /** A refused form, audited like a refused click (every attempt is), naming no account. */
    const refuse = async (reason: string, notice: string): Promise<BulkOutcome> => {
      await deps.store.audit.appendAudit({
        at: deps.now(),
        event: "decision.invalid",
        actor: `${actor.platform}:${actor.id}${actor.email ? ` <${actor.email}>` : ""}`,
        subject: `message:${request.messageId}`,
        detail: {
          action: "bulk",
          requested: typeof request.action === "string" ? request.action : null,
          reason,
        },
      });
      return { ok: false, notice };
    };
    const item = await deps.store.outbox.getOutboxItem(request.messageId);
    const message = item?.message;
    if (
      (message?.kind !== "owner_message" && message?.kind !== "review_request") ||
      item?.platform !== actor.platform
    ) {
      return refuse(
        "the form names no owner message of this platform",
        "warden does not know the message this form came from. Nothing was changed.",
      );
    }
    const view = message.view;
    // Card data is whatever the client sent (verifyOrigin): the form must come from the very
    // message it names, or its accounts' names and decisions would be told to whoever asked.
    const first = view.accounts[0];
    if (!first)
      return refuse("the message lists no account", "Pick at least one account. Nothing was changed.");
    const origin = await verifyOrigin(
      deps.store,
      actor.platform,
      { a: "keep", m: request.messageId, s: first.source, id: first.accountId },
      request.origin,
    );
    if (!origin.ok) {
      return refuse(
        origin.reason,
        origin.supersededAt
          ? "This message was replaced by a newer one: use the form in that one. Nothing was changed."
          : "This form does not belong to the message it was sent from, so warden ignored it. Nothing was changed.",
      );
    }
    if (!isActionKind(request.action) || request.action === "undo") {
      return refuse("no action chosen", "Choose what to do with the accounts. Nothing was changed.");
    }
    const action = request.action;
    // One reason for all (Keep, Still needed): without it every account would be refused alike.
    if (actionOf(action).asksReason && !request.reason?.trim()) {
      return refuse(
        "no reason given",
        action === "certify"
          ? "Saying these accounts are still needed needs a reason: what uses them, and why. Nothing was recorded."
          : "Keeping these accounts needs a reason. Nothing was changed.",
      );
    }
    const choices = bulkChoices(view);
    const picked = new Set(request.accounts.filter((i) => Number.isInteger(i)));
    for (const group of choices.groups) {
      if (request.rules?.includes(group.rule)) for (const c of group.accounts) picked.add(c.index);
    }
    const targets = [...picked]
      .sort((a, b) => a - b)
      .map((index) => view.accounts[index])
      .filter((a): a is OwnerAccountView => a !== undefined);
    if (targets.length === 0) {
      return refuse("no account picked", "Pick at least one account. Nothing was changed.");
    }
    const title = actionOf(action).title.replace(/…$/, "");
    request.onStart?.({ count: targets.length, action });
    // Decisions are written into the stored message one at a time: each is a read-modify-write.
    let recording: Promise<unknown> = Promise.resolve();
    let latest: DecidableMessage | undefined;

    const decideOne = async (account: OwnerAccountView): Promise<BulkItem> => {
      const base = { userName: account.userName, source: account.source, accountId: account.accountId };
      // Decided from this message already (its buttons are gone): the form was older than that.
      if (account.decision && !showsActionButtons(account)) {
        const noticeParts: RichText = [
          "Already decided in this message: ",
          ...describeDecisionParts(account.decision, account.sourceTitle),
        ];
        return {
          ...base,
          outcome: "skipped",
          attempted: false,
          notice: plainRichText(noticeParts),
          noticeParts,
        };
      }
      if (!account.actions.includes(action as never)) {
        return {
          ...base,
          outcome: "skipped",
          attempted: false,
          notice: `${title} is not offered for this account.`,
        };
      }
      const result = await deps.handleAction({
        actor,
        payload: buildActionPayload(action, account, request.messageId),
        origin: request.origin,
        reason: request.reason,
        keepDays: request.keepDays,
      });
      if ("decision" in result && result.decision.outcome !== "pending") {
        const decision = result.decision;
        if (decision.messageId === request.messageId) {
          recording = recording.then(async () => {
            try {
              latest =
                (await recordDecisionInDecidable(deps.store, actor.platform, request.messageId, decision)) ??
                latest;
            } catch {
              // The decision stands (recorded in decisions); only the message's copy misses it.
            }
          });
          await recording;
        }
      }
      const outcome = result.status === "done" ? "done" : result.status === "failed" ? "failed" : "skipped";
      return { ...base, outcome, attempted: true, notice: result.notice, noticeParts: result.noticeParts };
    };

    const items: BulkItem[] = new Array(targets.length);
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const index = next++;
        const account = targets[index] as OwnerAccountView;
        try {
          items[index] = await decideOne(account);
        } catch (error) {
          // One account's unexpected error (the database, say) does not stop the others.
          items[index] = {
            userName: account.userName,
            source: account.source,
            accountId: account.accountId,
            outcome: "failed",
            attempted: true,
            notice: `warden could not decide it (${error instanceof Error ? error.message : String(error)}). You can try again.`,
          };
        }
        await yieldToLoop();
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, targets.length) }, worker));
    await deps.store.audit.appendAudit({
      at: deps.now(),
      event: "decision.bulk",
      actor: `${actor.platform}:${actor.id}${actor.email ? ` <${actor.email}>` : ""}`,
      detail: {
        action,
        messageId: request.messageId,
        picked: items.length,
        done: items.filter((i) => i.outcome === "done").length,
        failed: items.filter((i) => i.outcome === "failed").length,
        skipped: items.filter((i) => i.outcome === "skipped").length,
        // Each attempt has its own audit entry from the handler; the ones skipped before it are here.
        notAttempted: items
          .filter((i) => i.outcome === "skipped" && !i.attempted)
          .map((i) => `${i.source}:${i.accountId}`),
      },
    });
    return {
      ok: true,
      action,
      items,
      view: latest?.kind === "owner_message" ? latest.view : undefined,
      recorded: latest,
    };
  };
}

/**
 * "Disable: 12 done, 1 failed, 2 skipped" and a line per account, in plain words (renderers
 * escape); times in `timeZone` (the submitter's, named) when given, else in UTC, saying so.
 */
export function describeBulkOutcome(
  outcome: Extract<BulkOutcome, { ok: true }>,
  options: { timeZone?: string | undefined } = {},
): {
  summary: string;
  lines: string[];
} {
  const count = (o: BulkItem["outcome"]) => outcome.items.filter((i) => i.outcome === o).length;
  const title = actionOf(outcome.action).title.replace(/…$/, "");
  const summary = `${title} for ${outcome.items.length} account${outcome.items.length === 1 ? "" : "s"}: ${count("done")} done, ${count("failed")} failed, ${count("skipped")} skipped.`;
  const mark = { done: "✓", failed: "✗", skipped: "–" } as const;
  const lines = outcome.items.map((i) => {
    // The core's notices often start with the account's name ("svc_x: done."): not said twice.
    const said = i.noticeParts ? plainRichText(i.noticeParts, options) : i.notice;
    const notice = said.startsWith(`${i.userName}: `) ? said.slice(i.userName.length + 2) : said;
    const why = notice === "done." ? "" : ` ${notice.charAt(0).toUpperCase()}${notice.slice(1)}`;
    return `${mark[i.outcome]} ${i.userName}: ${i.outcome}.${why}`;
  });
  return { summary, lines };
}
