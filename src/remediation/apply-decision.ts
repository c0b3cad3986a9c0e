import { actionOf } from "../actions/action-registry.js";
import { KEEP_DAYS } from "../actions/keep-duration.js";
import type { WardenMode } from "../config/load-config.js";
import type { MachineIdentity } from "../core/model.js";
import type { Logger } from "../logger.js";
import type { AccountIntent, AccountValues, SourceConnector } from "../sources/source-connector.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { Repositories, StoreTx } from "../store/store.js";
import { type ActionRequest, type ActionResult, WARDEN_ACTOR_PLATFORM } from "./action-request.js";
import { applyAccountChange, type ChangeOutcome } from "./apply-account-change.js";
import { describeRequestedChange, openDecisionTicket, type Ticketing } from "./open-decision-ticket.js";

const DAY = 86_400_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface ClaimedDecision {
  /** Where the outcome is recorded: one transaction completes the claim with its audit entry. */
  store: StoreTx;
  /**
   * What a Disable, Restrict or Undo writes through the source: the connector, the intent it maps to
   * its writes, and (for Undo) the values the account must still hold. Undefined for Keep and Not mine.
   */
  change:
    | { connector: SourceConnector; intent: AccountIntent; requires: AccountValues | undefined }
    | undefined;
  now: () => Date;
  mode: WardenMode;
  logger: Logger;
  request: ActionRequest;
  account: MachineIdentity;
  /** The pending decision claimed for this click (claimDecision). */
  decisionId: number;
  keepDays: number | undefined;
  /** Writes one audit entry for the request through `tx` (the transaction that completes the claim). */
  audit: (
    tx: Pick<Repositories, "audit">,
    event: string,
    request: ActionRequest,
    detail: Record<string, unknown>,
  ) => Promise<unknown>;
  /** The answer when the database refuses a write: nothing more is changed in the source. */
  unavailable: (problem: string) => Promise<ActionResult>;
  /** Ticket mode: where a change goes instead of the source (undefined: not configured). */
  ticketing?: Ticketing | undefined;
}

/**
 * Applies a claimed decision: Keep and Not mine only in the database; Disable, Restrict and Undo
 * through the source (the account re-read, written at most once), then the outcome recorded with
 * its audit entry in one transaction.
 */
export async function applyDecision(claimed: ClaimedDecision): Promise<ActionResult> {
  const { store, change, logger, request, account, decisionId, keepDays, unavailable } = claimed;
  const { payload } = request;
  const { userName } = account;

  /** Completes the claim with its audit entry, in one transaction (with `also`, for Keep). */
  const finish = (
    result: ChangeOutcome,
    extra: Record<string, unknown> = {},
    also?: (tx: StoreTx) => Promise<unknown>,
  ) =>
    store.transaction(async (tx) => {
      await also?.(tx);
      const decision = await tx.decisions.completeDecision(decisionId, result);
      if (result.outcome !== "failed") {
        if (payload.a === "certify") {
          // Still needed answers the review message only: the account's findings, if any, still
          // wait for an answer in the owner's risk message.
          if (payload.m !== undefined) {
            await tx.outbox.markShownAccountAnswered(
              { outboxId: payload.m, source: account.source, accountId: account.id },
              claimed.now(),
            );
          }
        } else {
          // A decision taken is an answer: the owner is not reminded about this account again.
          await tx.outbox.markAccountAnswered(account.source, account.id, claimed.now());
        }
      }
      await claimed.audit(tx, `decision.${result.outcome}`, request, {
        decisionId,
        mode: claimed.mode,
        ...extra,
        error: result.error ?? null,
      });
      return decision;
    });

  try {
    if (payload.a === "keep") {
      const until = new Date(claimed.now().getTime() + (keepDays ?? KEEP_DAYS.default) * DAY);
      const decision = await finish({ outcome: "applied" }, { reason: request.reason, keepDays }, (tx) =>
        tx.findings.acceptFindings(account.source, account.id, until),
      );
      return {
        status: "done",
        userName,
        decision,
        notice: `${userName} is kept until ${until.toISOString().slice(0, 10)}.`,
      };
    }
    if (payload.a === "certify") {
      const decision = await finish(
        { outcome: "applied" },
        { reason: request.reason, campaignId: payload.c },
      );
      return {
        status: "done",
        userName,
        decision,
        notice: `Thanks: ${userName} is certified as still needed.`,
      };
    }
    if (payload.a === "not_mine") {
      const decision = await finish({ outcome: "applied" });
      return {
        status: "done",
        userName,
        decision,
        notice: `Thanks: ${userName} goes to the admins to find its owner.`,
      };
    }
  } catch (error) {
    return unavailable(`the database refused the write: ${messageOf(error)}`);
  }

  if (!change) return unavailable(`${account.source} has nothing to write for ${payload.a}`);
  if (claimed.mode === "ticket") return ticketDecision(claimed, finish);
  let result: ChangeOutcome;
  try {
    result = await applyAccountChange(change.connector, account.id, change.intent, {
      dryRun: claimed.mode === "dry-run",
      requires: change.requires,
      recordBefore: (before) => store.decisions.recordDecisionBefore(decisionId, before),
    });
  } catch (error) {
    // recordBefore failed: nothing was written to the source. The claim is closed if the
    // database lets us, and otherwise resolved at the next start.
    try {
      await finish({
        outcome: "failed",
        error: `not applied: the database refused the write (${messageOf(error)})`,
      });
    } catch {}
    return unavailable(`the database refused the write: ${messageOf(error)}`);
  }
  if (result.outcome === "failed") {
    logger.warn({ account: account.id, action: payload.a, error: result.error }, "remediation failed");
  }
  let decision: DecisionRecord;
  try {
    decision = await finish(result);
  } catch (error) {
    // The source may have been changed, and the decision stays pending: the next start re-reads
    // the account and completes it (resolve-pending-decisions.ts).
    logger.error({ err: error, decisionId }, "could not record a decision's outcome");
    return {
      status: "unavailable",
      userName,
      notice: `${userName}: ${result.outcome === "applied" ? "the change was made" : "the change was attempted"} in ${account.source}, but warden could not record it (${messageOf(error)}). It is reconciled from ${account.source} when warden restarts.`,
    };
  }
  return {
    status: result.outcome === "failed" ? "failed" : "done",
    userName,
    decision,
    notice: noticeFor(decision, userName, actionOf(payload.a).already),
  };
}

type Finish = (
  result: ChangeOutcome,
  extra?: Record<string, unknown>,
  also?: (tx: StoreTx) => Promise<unknown>,
) => Promise<DecisionRecord>;

/**
 * Ticket mode (WARDEN_MODE=ticket): the change is asked for in a ServiceNow ticket instead of
 * being written. At most one ticket is open per account: a click that finds one (another click
 * finished between this one's check and its claim) opens none. The ticket is recorded with the
 * decision in one transaction; a failed POST leaves the decision failed and no ticket recorded.
 */
async function ticketDecision(claimed: ClaimedDecision, finish: Finish): Promise<ActionResult> {
  const { store, request, account, change, ticketing, logger, decisionId } = claimed;
  const { userName } = account;
  /** Closes the claim as failed; `shown` is the decision the message shows instead (an open ticket's). */
  const fail = async (error: string, shown?: { id: number }): Promise<ActionResult> => {
    try {
      const decision = await finish({ outcome: "failed", error });
      const instead = shown && (await store.decisions.getDecision(shown.id));
      return instead
        ? { status: "duplicate", userName, decision: instead, notice: `${userName}: ${error}.` }
        : { status: "failed", userName, decision, notice: `${userName}: ${error}.` };
    } catch (dbError) {
      return claimed.unavailable(`the database refused the write: ${messageOf(dbError)}`);
    }
  };
  if (!ticketing) {
    return fail("ticket mode needs a ServiceNow instance to open tickets in, and none is configured");
  }
  try {
    const open = await store.tickets.findOpenTicket(account.source, account.id);
    if (open) {
      return fail(`ticket ${open.number} is already open for it, so no second ticket was opened`, {
        id: open.decisionId,
      });
    }
  } catch (error) {
    return claimed.unavailable(`the database refused the read: ${messageOf(error)}`);
  }
  const attempt = await openDecisionTicket(store, ticketing, {
    request,
    account,
    change: describeRequestedChange(request.payload.a, change?.connector, change?.intent),
    // warden's own decisions (an access review's default) are asked for by "warden (review default)".
    requestedBy:
      request.actor.email ??
      (request.actor.platform === WARDEN_ACTOR_PLATFORM
        ? `warden (${request.actor.id})`
        : `${request.actor.platform} user ${request.actor.id}`),
    at: claimed.now(),
  });
  if (!attempt.ok) {
    logger.warn(
      { account: account.id, action: request.payload.a, error: attempt.error },
      "ticket not opened",
    );
    return fail(attempt.error);
  }
  const { ticket } = attempt;
  try {
    const decision = await finish(
      { outcome: "ticketed" },
      { ticket: ticket.number, ticketTable: ticket.table, ticketSysId: ticket.sysId },
      (tx) =>
        tx.tickets.recordDecisionTicket({
          decisionId,
          source: account.source,
          accountId: account.id,
          table: ticket.table,
          sysId: ticket.sysId,
          number: ticket.number,
          url: ticket.url,
          openedAt: claimed.now(),
        }),
    );
    return {
      status: "done",
      userName,
      decision,
      notice: `Ticket ${ticket.number} opened for ${userName}: ${ticket.url} (warden changes nothing itself).`,
    };
  } catch (error) {
    // The ticket exists, but the decision stays pending: the next start settles it as failed and
    // says to look for the ticket (resolve-pending-decisions.ts).
    logger.error({ err: error, decisionId, ticket: ticket.number }, "could not record an opened ticket");
    return {
      status: "unavailable",
      userName,
      notice: `${userName}: ticket ${ticket.number} was opened (${ticket.url}), but warden could not record it (${messageOf(error)}).`,
    };
  }
}

function noticeFor(decision: DecisionRecord, userName: string, already: string | undefined): string {
  switch (decision.outcome) {
    case "already":
      return already
        ? `${userName}: ${already.charAt(0).toLowerCase()}${already.slice(1)}; nothing was written.`
        : `${userName} was already in that state; nothing was written.`;
    case "dry_run":
      return `Dry run: ${userName} would have been changed; nothing was written.`;
    case "failed":
      return `${userName} could not be changed: ${decision.error}. You can try again.`;
    default:
      return `${userName}: done.`;
  }
}
