import type { Database } from "better-sqlite3";
import type { WardenMode } from "../config/load-config.js";
import type { RuleName } from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import type { Logger } from "../logger.js";
import type { AccountStateChange, SourceConnector } from "../sources/source-connector.js";
import { findAccount } from "../store/accounts.js";
import { appendAudit } from "../store/audit-log.js";
import {
  type AccountValues,
  beginDecision,
  completeDecision,
  type DecisionRecord,
  getDecision,
} from "../store/decisions.js";
import { acceptFindings, listOpenFindings } from "../store/findings.js";
import { markAccountAnswered } from "../store/outbox.js";
import { getOwnerOverride } from "../store/owner-overrides.js";
import type { ActionPayload } from "../views/action-payload.js";
import { pick, satisfies, valuesOf, WANTED } from "./account-change.js";

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
  /**
   * Stable across a retried delivery and a second click on the same button, e.g. the message id,
   * account and action. The decision is recorded at most once per key.
   */
  idempotencyKey: string;
  /** Keep: why, and until when (default 90 days). */
  reason?: string | undefined;
  expiresAt?: Date | undefined;
}

/** What happened, in words for the person who clicked, plus what the adapter needs to update the message. */
export type ActionResult =
  | { status: "done" | "failed" | "duplicate"; notice: string; decision: DecisionRecord; userName: string }
  | {
      status: "refused" | "stale" | "invalid";
      notice: string;
      userName?: string | undefined;
      currentRules?: RuleName[];
    };

export interface ActionHandlerDeps {
  db: Database;
  connector: SourceConnector;
  now: () => Date;
  /** Emails allowed to act on any account (compared normalised, see normalizeEmail). */
  admins: readonly string[];
  mode: WardenMode;
  logger: Logger;
  /** Days a Keep lasts when no expiry is given. */
  keepDays?: number;
}

const DAY = 86_400_000;
const UNDO_WINDOW_MS = DAY;

const sameRules = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * The one place a chat click becomes a change: the same for Slack and Teams. Checks who may act,
 * that the message is not stale, claims the decision under its idempotency key (so a double click
 * or a retried delivery never applies anything twice), re-reads the account from the source,
 * applies the change unless it is already so (or WARDEN_MODE=dry-run), and records the decision
 * and an audit entry together. Refused and stale attempts are audited too.
 */
export function createActionHandler(deps: ActionHandlerDeps) {
  const { db, connector, logger } = deps;
  const admins = new Set(deps.admins.flatMap((a) => normalizeEmail(a) ?? []));

  const audit = (event: string, request: ActionRequest, detail: Record<string, unknown>) =>
    appendAudit(db, {
      at: deps.now(),
      event,
      actor: `${request.actor.platform}:${request.actor.id}${request.actor.email ? ` <${request.actor.email}>` : ""}`,
      subject: `${request.payload.s}:${request.payload.id}`,
      detail: { action: request.payload.a, ...detail },
    });

  return async function handleAction(request: ActionRequest): Promise<ActionResult> {
    const { payload, actor } = request;
    const stored = findAccount(db, payload.id);
    if (!stored || stored.identity.source !== payload.s) {
      audit("decision.invalid", request, { reason: "unknown account" });
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
      audit("decision.refused", request, {
        reason: "not the owner or an admin",
        ownerEmail: ownerEmail ?? null,
      });
      return {
        status: "refused",
        userName,
        notice: `Only ${userName}'s owner${ownerEmail ? ` (${ownerEmail})` : ""} or a warden admin can act on it. Nothing was changed.`,
      };
    }

    if (payload.a === "keep" && !request.reason?.trim()) {
      return { status: "invalid", userName, notice: "Keeping an account needs a reason." };
    }

    // A button from an old message: the account changed since (fixed, disabled, new findings).
    const currentRules = listOpenFindings(db, { source: identity.source, accountId: identity.id }).map(
      (f) => f.rule,
    );
    if (payload.a !== "undo" && payload.a !== "not_mine" && !sameRules(payload.r, currentRules)) {
      audit("decision.stale", request, { shownRules: payload.r, currentRules });
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

    let undone: DecisionRecord | undefined;
    if (payload.a === "undo") {
      undone = payload.d !== undefined ? getDecision(db, payload.d) : undefined;
      const problem =
        !undone || undone.accountId !== identity.id
          ? "There is no such decision to undo."
          : !["disable", "restrict"].includes(undone.action) || undone.outcome !== "applied" || !undone.before
            ? "Only an applied Disable or Restrict can be undone."
            : deps.now().getTime() - undone.decidedAt.getTime() > UNDO_WINDOW_MS
              ? "Undo is only possible for 24 hours after the action."
              : undefined;
      if (problem) {
        audit("decision.invalid", request, { reason: problem });
        return { status: "invalid", userName, notice: problem };
      }
    }

    const claim = beginDecision(db, {
      source: identity.source,
      accountId: identity.id,
      action: payload.a,
      actorPlatform: actor.platform,
      actorId: actor.id,
      actorEmail: email,
      decidedAt: deps.now(),
      mode: deps.mode,
      idempotencyKey: request.idempotencyKey,
      reason: request.reason?.trim(),
      expiresAt:
        payload.a === "keep"
          ? (request.expiresAt ?? new Date(deps.now().getTime() + (deps.keepDays ?? 90) * DAY))
          : undefined,
      undoesDecisionId: undone?.id,
    });
    if (claim.existing) {
      audit("decision.duplicate", request, {
        decisionId: claim.existing.id,
        outcome: claim.existing.outcome,
      });
      return {
        status: "duplicate",
        userName,
        decision: claim.existing,
        notice:
          claim.existing.outcome === "pending"
            ? `This is already being done for ${userName}.`
            : `This was already done for ${userName}; nothing was applied twice.`,
      };
    }

    const finish = (result: Parameters<typeof completeDecision>[2], extra: Record<string, unknown> = {}) =>
      db.transaction(() => {
        const decision = completeDecision(db, claim.id, result);
        // A decision taken is an answer: the owner is not reminded about this account again.
        if (result.outcome !== "failed") markAccountAnswered(db, identity.source, identity.id, deps.now());
        audit(`decision.${result.outcome}`, request, {
          decisionId: claim.id,
          mode: deps.mode,
          ...extra,
          error: result.error ?? null,
        });
        return decision;
      })();

    if (payload.a === "keep") {
      const decision = db.transaction(() => {
        acceptFindings(db, identity.source, identity.id, claimExpiry(db, claim.id));
        return finish({ outcome: "applied" }, { reason: request.reason });
      })();
      return {
        status: "done",
        userName,
        decision,
        notice: `${userName} is kept until ${decision.expiresAt?.toISOString().slice(0, 10)}.`,
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

    // Undo restores the recorded previous values of exactly the fields the action changed.
    const change: AccountStateChange =
      payload.a === "undo"
        ? pick(undone?.before as AccountValues, Object.keys(WANTED[undone?.action as "disable" | "restrict"]))
        : WANTED[payload.a];
    try {
      // Re-read first: never act on what the message showed, only on what the source says now.
      const current = await connector.readAccount(identity.id);
      if (!current) {
        const decision = finish({ outcome: "failed", error: "the account no longer exists in the source" });
        return {
          status: "failed",
          userName,
          decision,
          notice: `${userName} no longer exists in ${identity.source}; nothing was changed.`,
        };
      }
      const before = valuesOf(current);
      if (satisfies(before, change)) {
        const decision = finish({ outcome: "already", before, after: before });
        return {
          status: "done",
          userName,
          decision,
          notice: `${userName} was already in that state; nothing was written.`,
        };
      }
      if (deps.mode === "dry-run") {
        const decision = finish({ outcome: "dry_run", before, after: { ...before, ...change } });
        return {
          status: "done",
          userName,
          decision,
          notice: `Dry run: ${userName} would have been changed; nothing was written.`,
        };
      }
      const after = await connector.changeAccount(identity.id, change);
      if (!after || !satisfies(valuesOf(after), change)) {
        const decision = finish({
          outcome: "failed",
          before,
          after: after ? valuesOf(after) : undefined,
          error: "the source accepted the change but the account does not show it (missing field rights?)",
        });
        return {
          status: "failed",
          userName,
          decision,
          notice: `${userName} could not be changed: ${decision.error}.`,
        };
      }
      const decision = finish({ outcome: "applied", before, after: valuesOf(after) });
      return { status: "done", userName, decision, notice: `${userName}: done.` };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, account: identity.id, action: payload.a }, "remediation failed");
      const decision = finish({ outcome: "failed", error: message });
      return { status: "failed", userName, decision, notice: `${userName} could not be changed: ${message}` };
    }
  };
}

function claimExpiry(db: Database, decisionId: number): Date {
  return getDecision(db, decisionId)?.expiresAt ?? new Date();
}
