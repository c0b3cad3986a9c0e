import { intentOf } from "../actions/action-registry.js";
import type { Logger } from "../logger.js";
import { enqueueMessageUpdate } from "../notify/enqueue-message-update.js";
import { recordDecisionInMessage } from "../notify/record-decision-in-message.js";
import type { ConnectorRegistry } from "../sources/connector-registry.js";
import type { AccountValues, SourceConnector } from "../sources/source-connector.js";
import type { DecisionRecord, PendingDecision } from "../store/decisions.js";
import { isClaimLive } from "../store/process-liveness.js";
import type { Repositories, StoreTx } from "../store/store.js";
import { intentOfAction, satisfies, undoIntent } from "./account-change.js";
import type { ChangeOutcome } from "./apply-account-change.js";

/** A click never takes this long; a claim from another machine older than this is abandoned. */
const CLAIM_MAX_AGE_MS = 10 * 60_000;

export interface ResolveDeps {
  /** Where decisions are read and settled: each one in its own short transaction. */
  store: StoreTx;
  /** The source of each decision's account is re-read through its connector. */
  connectors: ConnectorRegistry;
  now: () => Date;
  logger: Logger;
}

/**
 * Decisions left 'pending' by a process that died (kill -9, a crash, a full disk while recording)
 * are settled from the source's real state, each with a `decision.recovered` audit entry, and
 * the owner message they came from is queued for an update. Pending decisions of live processes
 * are left alone. One whose account cannot be read now stays pending for the next start.
 *
 * The rule: a decision's `before` is recorded before its write is sent (apply-account-change.ts),
 * so without `before` nothing reached the source; with it, the account shows whether it did.
 */
export async function resolvePendingDecisions(deps: ResolveDeps): Promise<DecisionRecord[]> {
  const { store, logger } = deps;
  const resolved: DecisionRecord[] = [];
  for (const pending of await store.decisions.listPendingDecisions()) {
    const claim = { pid: pending.claimedPid, host: pending.claimedHost, since: pending.decidedAt };
    // No click takes minutes (every request has a timeout): an old claim is dead even if its pid
    // now belongs to another process.
    const old = deps.now().getTime() - pending.decidedAt.getTime() > CLAIM_MAX_AGE_MS;
    if (!old && isClaimLive(claim, deps.now(), CLAIM_MAX_AGE_MS)) continue;
    let outcome: ChangeOutcome;
    try {
      outcome = await settle(deps, pending);
    } catch (error) {
      logger.warn(
        { err: error, decisionId: pending.id },
        "could not re-read an interrupted decision's account",
      );
      continue;
    }
    const decision = await store.transaction(async (tx) => {
      // Another settler got here first while the account was being read (the start's and a
      // catch-up notify run's in one process, or two processes starting at once): settled once.
      if ((await tx.decisions.getDecision(pending.id))?.outcome !== "pending") return undefined;
      const done = await tx.decisions.completeDecision(pending.id, outcome);
      if (outcome.outcome !== "failed") {
        await tx.outbox.markAccountAnswered(done.source, done.accountId, deps.now());
      }
      await tx.audit.appendAudit({
        at: deps.now(),
        event: "decision.recovered",
        actor: "warden",
        subject: `${done.source}:${done.accountId}`,
        detail: {
          action: done.action,
          decisionId: done.id,
          outcome: done.outcome,
          error: done.error ?? null,
          claimedBy: `${pending.claimedHost ?? "?"}:${pending.claimedPid ?? "?"}`,
        },
      });
      if (done.messageId !== undefined) {
        const platform = (await tx.outbox.getOutboxItem(done.messageId))?.platform;
        if (platform && (await recordDecisionInMessage(tx, platform, done.messageId, done))) {
          await enqueueMessageUpdate(tx, done.messageId, deps.now());
        }
      }
      return done;
    });
    if (!decision) continue;
    logger.info(
      { decisionId: decision.id, action: decision.action, outcome: decision.outcome },
      "an interrupted decision was settled from the source",
    );
    resolved.push(decision);
  }
  return resolved;
}

async function settle(deps: ResolveDeps, pending: PendingDecision): Promise<ChangeOutcome> {
  const source = pending.source;
  if (intentOf(pending.action) === undefined) {
    // These change only warden's own records, in the same transaction that completes them.
    return { outcome: "failed", error: "interrupted before it was recorded; nothing was changed" };
  }
  if (pending.mode === "ticket") {
    // Nothing was written to the account; a ticket may have been opened before the process died.
    return {
      outcome: "failed",
      error:
        "interrupted while opening a ticket; whether one was opened is unknown: look in ServiceNow before trying again",
    };
  }
  if (!pending.before) {
    return {
      outcome: "failed",
      error: `interrupted before anything was written to ${source}; nothing was changed`,
    };
  }
  // An unconfigured source throws here: the decision stays pending until it can be read.
  const connector = deps.connectors.get(source);
  const change = await changeOf(deps.store, connector, pending);
  if (!change) return { outcome: "failed", error: "interrupted; the decision it undoes is unknown" };
  if (satisfies(pending.before, change)) return { outcome: "already", after: pending.before };
  if (pending.mode === "dry-run") return { outcome: "dry_run", after: { ...pending.before, ...change } };
  const current = await connector.readAccount(pending.accountId);
  if (!current) return { outcome: "failed", error: `the account no longer exists in ${source}` };
  const now = current.values;
  return satisfies(now, change)
    ? { outcome: "applied", after: now }
    : {
        outcome: "failed",
        after: now,
        error: `interrupted while writing to ${source}, which does not show the change; nothing is recorded as changed`,
      };
}

async function changeOf(
  store: Pick<Repositories, "decisions">,
  connector: SourceConnector,
  pending: PendingDecision,
): Promise<AccountValues | undefined> {
  const intent = intentOfAction(pending.action);
  if (intent) return connector.intendedValues(intent);
  const undone =
    pending.undoesDecisionId === undefined
      ? undefined
      : await store.decisions.getDecision(pending.undoesDecisionId);
  const undo = undone && undoIntent(connector, undone);
  return undo && connector.intendedValues(undo.intent);
}
