import { intentOf } from "../actions/action-registry.js";
import type { WardenMode } from "../config/load-config.js";
import type { MachineIdentity } from "../core/model.js";
import type { Logger } from "../logger.js";
import type { ConnectorRegistry } from "../sources/connector-registry.js";
import type { AccountIntent, AccountValues } from "../sources/source-connector.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { Repositories, Store } from "../store/store.js";
import { intentOfAction, undoIntent } from "./account-change.js";
import type { ActionRequest, ActionResult, Refusal } from "./action-request.js";
import { applyDecision } from "./apply-decision.js";
import { duplicateRefusal } from "./duplicate-refusal.js";
import type { Ticketing } from "./open-decision-ticket.js";

/** What claiming and applying a decision needs: the click handler's and warden's own decisions alike. */
export interface DecisionDeps {
  store: Store;
  /** The configured sources' connectors: an action is applied through its account's source. */
  connectors: ConnectorRegistry;
  now: () => Date;
  mode: WardenMode;
  logger: Logger;
  /**
   * Why the database cannot record a decision right now (file deleted, read-only), if it cannot:
   * the decision is then refused before anything is written to the source. Default: the store's
   * `health.checkDatabaseWritable`.
   */
  databaseProblem?: () => Promise<string | undefined>;
  /** Ticket mode (WARDEN_MODE=ticket): where a change is asked for instead of written. */
  ticketing?: Ticketing | undefined;
}

const DAY = 86_400_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The file is still the one opened, and takes writes (a deleted file's handle would lose them). */
const defaultDatabaseProblem = (store: Pick<Repositories, "health">) => async () => {
  const check = await store.health.checkDatabaseWritable();
  return check.ok ? undefined : check.reason;
};

/** The audit entries of one request: written by the handler, the apply, and each refusal. */
export function decisionAuditor(deps: Pick<DecisionDeps, "store" | "now" | "logger">) {
  const audit = (
    tx: Pick<Repositories, "audit">,
    event: string,
    request: ActionRequest,
    detail: Record<string, unknown>,
  ) =>
    tx.audit.appendAudit({
      at: deps.now(),
      event,
      actor: `${request.actor.platform}:${request.actor.id}${request.actor.email ? ` <${request.actor.email}>` : ""}`,
      subject: `${request.payload.s}:${request.payload.id}`,
      detail: { action: request.payload.a, ...detail },
    });

  /** Audits a refusal that happens before anything is claimed; a broken database does not hide the answer. */
  const auditRefusal = async (event: string, request: ActionRequest, detail: Record<string, unknown>) => {
    try {
      await audit(deps.store, event, request, detail);
    } catch (error) {
      deps.logger.error({ err: error, event }, "could not write the audit entry");
    }
  };

  /** The refusal's answer, after its audit entry (if it leaves one). */
  const refuse = async (request: ActionRequest, refusal: Refusal): Promise<ActionResult> => {
    if (refusal.event !== undefined) await auditRefusal(refusal.event, request, refusal.detail ?? {});
    return refusal.result;
  };

  return { audit, auditRefusal, refuse };
}

/** What the checks before the claim settled about the request. */
export interface CheckedRequest {
  account: MachineIdentity;
  /** The actor's email as authorized (undefined for warden's own decisions). */
  actorEmail: string | undefined;
  /** For Undo, the decision it reverses. */
  undone: DecisionRecord | undefined;
  keepDays: number | undefined;
  /** The message the decision was taken from (outbox id), once its origin was verified. */
  messageId: number | undefined;
}

/**
 * The part of every decision after its checks: the database can take the write, the source is
 * configured, in ticket mode no ticket is open for the account yet; then the decision is claimed
 * (one pending decision per account, so concurrent requests and processes produce one write) and
 * applied (applyDecision: the account is re-read, written at most once, and the outcome recorded
 * with an audit entry in one transaction).
 */
export async function claimAndApply(
  deps: DecisionDeps,
  request: ActionRequest,
  checked: CheckedRequest,
): Promise<ActionResult> {
  const { store, logger } = deps;
  const { payload, actor } = request;
  const { account: identity, undone, keepDays } = checked;
  const { userName } = identity;
  const { audit, auditRefusal, refuse } = decisionAuditor(deps);

  const unavailable = async (problem: string): Promise<ActionResult> => {
    logger.error({ problem, account: identity.id, action: payload.a }, "cannot record a decision");
    await auditRefusal("decision.unavailable", request, { reason: problem });
    return {
      status: "unavailable",
      userName,
      notice: `warden cannot record decisions right now (${problem}), so nothing was changed in ${identity.source}. Please try again later.`,
    };
  };
  const problem = await (deps.databaseProblem ?? defaultDatabaseProblem(store))();
  if (problem) return unavailable(problem);
  // An action with no source intent (Keep, Not mine) changes only warden's records; the others
  // are written through the source (the action registry says which).
  const writes = intentOf(payload.a) !== undefined;
  const connector = writes ? deps.connectors.find(identity.source) : undefined;
  if (writes && !connector) {
    await auditRefusal("decision.unavailable", request, { reason: "source not configured" });
    return {
      status: "unavailable",
      userName,
      notice: `${identity.source} is not configured in this warden, so it cannot change ${userName}. Nothing was changed.`,
    };
  }
  if (writes && deps.mode === "ticket") {
    // Ticket mode: one open ticket per account; a second click says so and opens none.
    const open = await store.tickets.findOpenTicket(identity.source, identity.id);
    const opened = open && (await store.decisions.getDecision(open.decisionId));
    if (open && opened) {
      await auditRefusal("decision.duplicate", request, {
        decisionId: open.decisionId,
        ticket: open.number,
      });
      return {
        status: "duplicate",
        userName,
        decision: opened,
        notice: `Ticket ${open.number} is already open for ${userName} (${open.url}); no second ticket was opened.`,
      };
    }
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
    intent = intentOfAction(payload.a);
  }

  let claim: Awaited<ReturnType<Store["decisions"]["claimDecision"]>>;
  try {
    claim = await store.decisions.claimDecision({
      source: identity.source,
      accountId: identity.id,
      action: payload.a,
      actorPlatform: actor.platform,
      actorId: actor.id,
      actorEmail: checked.actorEmail,
      decidedAt: deps.now(),
      mode: deps.mode,
      reason: request.reason?.trim(),
      expiresAt: keepDays === undefined ? undefined : new Date(deps.now().getTime() + keepDays * DAY),
      undoesDecisionId: undone?.id,
      messageId: checked.messageId,
    });
  } catch (error) {
    return unavailable(`the database refused the write: ${messageOf(error)}`);
  }
  if (claim.busy) return refuse(request, duplicateRefusal(claim.busy, userName));

  return applyDecision({
    store,
    change: connector && intent ? { connector, intent, requires } : undefined,
    now: deps.now,
    mode: deps.mode,
    logger,
    request,
    account: identity,
    decisionId: claim.id,
    keepDays,
    audit,
    unavailable,
    ticketing: deps.ticketing,
  });
}
