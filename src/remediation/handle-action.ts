import type { Database } from "better-sqlite3";
import type { WardenMode } from "../config/load-config.js";
import type { RuleName } from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import type { Logger } from "../logger.js";
import type { ConnectorRegistry } from "../sources/connector-registry.js";
import type { AccountIntent, AccountValues } from "../sources/source-connector.js";
import { findAccount } from "../store/accounts.js";
import { appendAudit } from "../store/audit-log.js";
import { checkDatabaseWritable } from "../store/check-writable.js";
import {
  claimDecision,
  completeDecision,
  type DecisionRecord,
  getLatestEffectiveDecision,
  recordDecisionBefore,
} from "../store/decisions.js";
import { acceptFindings, listOpenFindings } from "../store/findings.js";
import { markAccountAnswered } from "../store/outbox.js";
import { getOwnerOverride } from "../store/owner-overrides.js";
import { writeTransaction } from "../store/write-transaction.js";
import type { ActionPayload } from "../views/action-payload.js";
import { INTENT_OF, undoIntent } from "./account-change.js";
import { applyAccountChange, type ChangeOutcome } from "./apply-account-change.js";
import { checkUndo } from "./check-undo.js";
import { KEEP_DAYS, parseKeepDays } from "./keep-duration.js";
import { type ClickOrigin, verifyOrigin } from "./verify-origin.js";

/** Who clicked, as the chat platform reports it. */
export interface Actor {
  platform: string;
  /** The platform's user id (Slack U…, Teams 29:…). */
  id: string;
  /** The user's email as the platform reports it; needed to match the account's owner. */
  email?: string | undefined;
}

export interface ActionRequest {
  actor: Actor;
  payload: ActionPayload;
  /** The message the click came from, as the platform reported it; checked against `payload.m`. */
  origin?: ClickOrigin | undefined;
  /** Keep: why (required), and for how many days (default and range in keep-duration.ts). */
  reason?: string | undefined;
  keepDays?: unknown;
}

/** What happened, in words for the person who clicked, plus what the adapter needs to update the message. */
export type ActionResult =
  | { status: "done" | "failed" | "duplicate"; notice: string; decision: DecisionRecord; userName: string }
  | {
      status: "refused" | "stale" | "invalid" | "unavailable";
      notice: string;
      userName?: string | undefined;
      currentRules?: RuleName[];
    };

export interface ActionHandlerDeps {
  db: Database;
  /** The configured sources' connectors: an action is applied through its account's source. */
  connectors: ConnectorRegistry;
  now: () => Date;
  /** Emails allowed to act on any account (compared normalised, see normalizeEmail). */
  admins: readonly string[];
  mode: WardenMode;
  logger: Logger;
  /**
   * Why the database cannot record a decision right now (file deleted, read-only), if it cannot:
   * a click is then refused before anything is written to the source. Default: checkDatabaseWritable.
   */
  databaseProblem?: () => string | undefined;
}

const DAY = 86_400_000;

/** The file is still the one opened, and takes writes (a deleted file's handle would lose them). */
const defaultDatabaseProblem = (db: Database) => () => {
  const check = checkDatabaseWritable(db);
  return check.ok ? undefined : check.reason;
};

const sameRules = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The one place a chat click becomes a change: the same for Slack and Teams. In order: the account
 * exists; the actor is its owner or an admin; the button belongs to the message it was clicked in;
 * the message is not stale; the click is not a repeat of the account's latest decision; then the
 * decision is claimed in the database (one pending decision per account, so concurrent clicks and
 * processes produce one write), the account is re-read, written at most once, and the outcome is
 * recorded with an audit entry in one transaction. Every attempt, refused ones too, is audited.
 */
export function createActionHandler(deps: ActionHandlerDeps) {
  const { db, logger } = deps;
  const admins = new Set(deps.admins.flatMap((a) => normalizeEmail(a) ?? []));

  const audit = (event: string, request: ActionRequest, detail: Record<string, unknown>) =>
    appendAudit(db, {
      at: deps.now(),
      event,
      actor: `${request.actor.platform}:${request.actor.id}${request.actor.email ? ` <${request.actor.email}>` : ""}`,
      subject: `${request.payload.s}:${request.payload.id}`,
      detail: { action: request.payload.a, ...detail },
    });

  /** Audits a refusal that happens before anything is claimed; a broken database does not hide the answer. */
  const auditRefusal = (event: string, request: ActionRequest, detail: Record<string, unknown>) => {
    try {
      audit(event, request, detail);
    } catch (error) {
      logger.error({ err: error, event }, "could not write the audit entry");
    }
  };

  return async function handleAction(request: ActionRequest): Promise<ActionResult> {
    const { payload, actor } = request;
    const stored = findAccount(db, payload.s, payload.id);
    if (!stored) {
      auditRefusal("decision.invalid", request, { reason: "unknown account" });
      return { status: "invalid", notice: "warden does not know this account any more." };
    }
    const { identity } = stored;
    const userName = identity.userName;

    // Only the owner (the chat user's email matches) or an admin may act.
    // Both sides normalised by the one rule (normalizeEmail): no Unicode case folding, so a
    // lookalike such as U+212A KELVIN SIGN never matches "k"; an invalid email matches nothing.
    const ownerEmail = normalizeEmail(
      getOwnerOverride(db, identity.source, identity.id) ?? identity.owner?.email,
    );
    const email = normalizeEmail(actor.email);
    const isAdmin = email !== undefined && admins.has(email);
    if (!email || (email !== ownerEmail && !isAdmin)) {
      auditRefusal("decision.refused", request, {
        reason: "not the owner or an admin",
        ownerEmail: ownerEmail ?? null,
      });
      return {
        status: "refused",
        userName,
        notice: `Only ${userName}'s owner${ownerEmail ? ` (${ownerEmail})` : ""} or a warden admin can act on it. Nothing was changed.`,
      };
    }

    const origin = verifyOrigin(db, actor.platform, payload, request.origin);
    if (!origin.ok) {
      auditRefusal("decision.invalid", request, { reason: origin.reason, messageId: payload.m ?? null });
      return {
        status: "invalid",
        userName,
        notice: `This button does not belong to the message it was clicked in, so warden ignored it. Nothing was changed.`,
      };
    }

    let keepDays: number | undefined;
    if (payload.a === "keep") {
      if (!request.reason?.trim()) {
        return { status: "invalid", userName, notice: "Keeping an account needs a reason." };
      }
      keepDays = parseKeepDays(request.keepDays);
      if (keepDays === undefined) {
        auditRefusal("decision.invalid", request, { reason: "keep duration out of range" });
        return {
          status: "invalid",
          userName,
          notice: `A Keep lasts from ${KEEP_DAYS.min} to ${KEEP_DAYS.max} days. Nothing was changed.`,
        };
      }
    }

    // A button from an old message: the account changed since (fixed, disabled, new findings).
    const currentRules = listOpenFindings(db, { source: identity.source, accountId: identity.id }).map(
      (f) => f.rule,
    );
    if (payload.a !== "undo" && payload.a !== "not_mine" && !sameRules(payload.r, currentRules)) {
      auditRefusal("decision.stale", request, { shownRules: payload.r, currentRules });
      const now =
        currentRules.length === 0
          ? "it has no open findings any more"
          : `its findings are now: ${currentRules.join(", ")}`;
      return {
        status: "stale",
        userName,
        currentRules,
        notice: `${userName} changed since this message was sent: ${now}. Nothing was changed; here is its current state.`,
      };
    }

    const duplicateOf = (decision: DecisionRecord): ActionResult => {
      auditRefusal("decision.duplicate", request, { decisionId: decision.id, outcome: decision.outcome });
      return {
        status: "duplicate",
        userName,
        decision,
        notice:
          decision.outcome === "pending"
            ? `This is already being done for ${userName}.`
            : `This was already done for ${userName}; nothing was applied twice.`,
      };
    };

    const head = getLatestEffectiveDecision(db, identity.source, identity.id);
    let undone: DecisionRecord | undefined;
    if (payload.a === "undo") {
      const check = checkUndo(db, identity, payload.d, head, deps.now());
      if (!check.ok) {
        if (check.duplicate) return duplicateOf(check.duplicate);
        auditRefusal("decision.invalid", request, { reason: check.problem });
        return { status: "invalid", userName, notice: check.problem };
      }
      undone = check.undone;
    } else if (head && repeats(head, payload.a, origin.sentAt, deps.now())) {
      // The same action again (a second click, a retried delivery, another copy of the message).
      return duplicateOf(head);
    }

    const unavailable = (problem: string): ActionResult => {
      logger.error({ problem, account: identity.id, action: payload.a }, "cannot record a decision");
      auditRefusal("decision.unavailable", request, { reason: problem });
      return {
        status: "unavailable",
        userName,
        notice: `warden cannot record decisions right now (${problem}), so nothing was changed in ${identity.source}. Please try again later.`,
      };
    };
    const problem = (deps.databaseProblem ?? defaultDatabaseProblem(db))();
    if (problem) return unavailable(problem);
    // Keep and Not mine change only warden's records; the others are written through the source.
    const writes = payload.a !== "keep" && payload.a !== "not_mine";
    const connector = writes ? deps.connectors.find(identity.source) : undefined;
    if (writes && !connector) {
      auditRefusal("decision.unavailable", request, { reason: "source not configured" });
      return {
        status: "unavailable",
        userName,
        notice: `${identity.source} is not configured in this warden, so it cannot change ${userName}. Nothing was changed.`,
      };
    }
    // Undo restores the recorded previous values of exactly the fields the action changed, and
    // only while the account still holds what that action wrote.
    let intent: AccountIntent | undefined;
    let requires: AccountValues | undefined;
    if (undone && connector) {
      const undo = undoIntent(connector, undone);
      if (!undo) return unavailable(`${identity.source} cannot say what that decision wrote`);
      ({ intent, requires } = undo);
    } else if (writes) {
      intent = INTENT_OF[payload.a as "disable" | "restrict"];
    }

    let claim: ReturnType<typeof claimDecision>;
    try {
      claim = claimDecision(db, {
        source: identity.source,
        accountId: identity.id,
        action: payload.a,
        actorPlatform: actor.platform,
        actorId: actor.id,
        actorEmail: email,
        decidedAt: deps.now(),
        mode: deps.mode,
        reason: request.reason?.trim(),
        expiresAt: keepDays === undefined ? undefined : new Date(deps.now().getTime() + keepDays * DAY),
        undoesDecisionId: undone?.id,
        messageId: origin.messageId,
      });
    } catch (error) {
      return unavailable(`the database refused the write: ${messageOf(error)}`);
    }
    if (claim.busy) return duplicateOf(claim.busy);
    const decisionId = claim.id;

    /** Completes the claim with its audit entry, in one transaction (with `also`, for Keep). */
    const finish = (result: ChangeOutcome, extra: Record<string, unknown> = {}, also?: () => void) =>
      writeTransaction(db, () => {
        also?.();
        const decision = completeDecision(db, decisionId, result);
        // A decision taken is an answer: the owner is not reminded about this account again.
        if (result.outcome !== "failed") markAccountAnswered(db, identity.source, identity.id, deps.now());
        audit(`decision.${result.outcome}`, request, {
          decisionId,
          mode: deps.mode,
          ...extra,
          error: result.error ?? null,
        });
        return decision;
      });

    try {
      if (payload.a === "keep") {
        const until = new Date(deps.now().getTime() + (keepDays ?? KEEP_DAYS.default) * DAY);
        const decision = finish({ outcome: "applied" }, { reason: request.reason, keepDays }, () =>
          acceptFindings(db, identity.source, identity.id, until),
        );
        return {
          status: "done",
          userName,
          decision,
          notice: `${userName} is kept until ${until.toISOString().slice(0, 10)}.`,
        };
      }
      if (payload.a === "not_mine") {
        const decision = finish({ outcome: "applied" });
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

    let result: ChangeOutcome;
    try {
      // Set above whenever the action writes (keep and not_mine have returned).
      result = await applyAccountChange(connector!, identity.id, intent!, {
        dryRun: deps.mode === "dry-run",
        requires,
        recordBefore: (before) => recordDecisionBefore(db, decisionId, before),
      });
    } catch (error) {
      // recordBefore failed: nothing was written to the source. The claim is closed if the
      // database lets us, and otherwise resolved at the next start.
      try {
        finish({
          outcome: "failed",
          error: `not applied: the database refused the write (${messageOf(error)})`,
        });
      } catch {}
      return unavailable(`the database refused the write: ${messageOf(error)}`);
    }
    if (result.outcome === "failed") {
      logger.warn({ account: identity.id, action: payload.a, error: result.error }, "remediation failed");
    }
    let decision: DecisionRecord;
    try {
      decision = finish(result);
    } catch (error) {
      // The source may have been changed, and the decision stays pending: the next start re-reads
      // the account and completes it (resolve-pending-decisions.ts).
      logger.error({ err: error, decisionId }, "could not record a decision's outcome");
      return {
        status: "unavailable",
        userName,
        notice: `${userName}: ${result.outcome === "applied" ? "the change was made" : "the change was attempted"} in ${identity.source}, but warden could not record it (${messageOf(error)}). It is reconciled from ${identity.source} when warden restarts.`,
      };
    }
    return {
      status: result.outcome === "failed" ? "failed" : "done",
      userName,
      decision,
      notice: noticeFor(decision, userName),
    };
  };
}

/**
 * Whether clicking `action` now repeats `head`, the account's latest decision that took effect: the
 * same action, taken after the message was sent (a newer message is a new question, e.g. after
 * the account was re-enabled in the source), and for Keep while the acceptance lasts.
 */
function repeats(
  head: DecisionRecord,
  action: ActionPayload["a"],
  sentAt: Date | undefined,
  now: Date,
): boolean {
  if (head.action !== action) return false;
  if (sentAt !== undefined && head.decidedAt.getTime() < sentAt.getTime()) return false;
  return action !== "keep" || head.expiresAt === undefined || head.expiresAt.getTime() > now.getTime();
}

function noticeFor(decision: DecisionRecord, userName: string): string {
  switch (decision.outcome) {
    case "already":
      return `${userName} was already in that state; nothing was written.`;
    case "dry_run":
      return `Dry run: ${userName} would have been changed; nothing was written.`;
    case "failed":
      return `${userName} could not be changed: ${decision.error}. You can try again.`;
    default:
      return `${userName}: done.`;
  }
}
