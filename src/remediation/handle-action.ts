import { intentOf } from "../actions/action-registry.js";
import type { WardenMode } from "../config/load-config.js";
import type { Logger } from "../logger.js";
import { plainRichText, type RichText, timeAt } from "../messages/rich-text.js";
import type { ConnectorRegistry } from "../sources/connector-registry.js";
import type { AccountIntent, AccountValues } from "../sources/source-connector.js";
import type { Repositories, Store } from "../store/store.js";
import { intentOfAction, undoIntent } from "./account-change.js";
import type { ActionRequest, ActionResult, Refusal } from "./action-request.js";
import { applyDecision } from "./apply-decision.js";
import { authorizeAction } from "./authorize-action.js";
import { accessPolicy } from "./can-act-on.js";
import { checkKeepRequest } from "./check-keep-request.js";
import { checkRepeat } from "./check-repeat.js";
import { checkStale } from "./check-stale.js";
import { duplicateRefusal } from "./duplicate-refusal.js";
import type { Ticketing } from "./open-decision-ticket.js";
import { verifyOrigin } from "./verify-origin.js";

export type { ActionRequest, ActionResult, Actor } from "./action-request.js";

export interface ActionHandlerDeps {
  store: Store;
  /** The configured sources' connectors: an action is applied through its account's source. */
  connectors: ConnectorRegistry;
  now: () => Date;
  /** Emails allowed to act on any account (the access policy's admins, see can-act-on.ts). */
  admins: readonly string[];
  mode: WardenMode;
  logger: Logger;
  /**
   * Why the database cannot record a decision right now (file deleted, read-only), if it cannot:
   * a click is then refused before anything is written to the source. Default: the store's
   * `health.checkDatabaseWritable`.
   */
  databaseProblem?: () => Promise<string | undefined>;
  /** Ticket mode (WARDEN_MODE=ticket): where a change is asked for instead of written. */
  ticketing?: Ticketing | undefined;
}

const DAY = 86_400_000;

/** The file is still the one opened, and takes writes (a deleted file's handle would lose them). */
const defaultDatabaseProblem = (store: Pick<Repositories, "health">) => async () => {
  const check = await store.health.checkDatabaseWritable();
  return check.ok ? undefined : check.reason;
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The one place a chat click becomes a change: the same for Slack and Teams. In order: the account
 * exists; the actor is its owner of record or an admin (canActOn, via authorizeAction); the button belongs to the message
 * it was clicked in (verifyOrigin); a Keep has a reason and a duration (checkKeepRequest); the
 * message is not stale (checkStale); the click is not a repeat of the account's latest decision
 * (checkRepeat); then the decision is claimed in the database (one pending decision per account, so
 * concurrent clicks and processes produce one write) and applied (applyDecision: the account is
 * re-read, written at most once, and the outcome is recorded with an audit entry in one
 * transaction). Every attempt, refused ones too, is audited.
 */
export function createActionHandler(deps: ActionHandlerDeps) {
  const { store, logger } = deps;
  const policy = accessPolicy(deps.admins);

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
      await audit(store, event, request, detail);
    } catch (error) {
      logger.error({ err: error, event }, "could not write the audit entry");
    }
  };

  /** The refusal's answer, after its audit entry (if it leaves one). */
  const refuse = async (request: ActionRequest, refusal: Refusal): Promise<ActionResult> => {
    if (refusal.event !== undefined) await auditRefusal(refusal.event, request, refusal.detail ?? {});
    return refusal.result;
  };

  return async function handleAction(request: ActionRequest): Promise<ActionResult> {
    const { payload, actor } = request;
    const stored = await store.accounts.findAccount(payload.s, payload.id);
    if (!stored) {
      await auditRefusal("decision.invalid", request, { reason: "unknown account" });
      return { status: "invalid", notice: "warden does not know this account any more." };
    }
    const { identity } = stored;
    const userName = identity.userName;

    const authorization = await authorizeAction(store, policy, actor, identity);
    if (!authorization.ok) return refuse(request, authorization.refusal);
    const email = authorization.actorEmail;

    const origin = await verifyOrigin(store, actor.platform, payload, request.origin);
    if (!origin.ok && (origin.supersededAt || origin.expired)) {
      // A stale button from a message a newer one replaced (the newer one is where to act), or from
      // one so old that retention removed it: answered with the account's current state.
      await auditRefusal("decision.stale", request, { reason: origin.reason, messageId: payload.m ?? null });
      const noticeParts: RichText = origin.supersededAt
        ? [
            "This message was replaced by warden's message of ",
            timeAt(origin.supersededAt),
            `: use that one. Nothing was changed; here is ${userName}'s current state.`,
          ]
        : [
            `This message is older than warden keeps messages (WARDEN_RETENTION_DAYS), so its buttons no longer work. Nothing was changed; here is ${userName}'s current state.`,
          ];
      return {
        status: "stale",
        userName,
        currentRules: (
          await store.findings.listOpenFindings({ source: identity.source, accountId: identity.id })
        ).map((f) => f.rule),
        notice: plainRichText(noticeParts),
        noticeParts,
      };
    }
    if (!origin.ok) {
      await auditRefusal("decision.invalid", request, {
        reason: origin.reason,
        messageId: payload.m ?? null,
      });
      return {
        status: "invalid",
        userName,
        notice: `This button does not belong to the message it was clicked in, so warden ignored it. Nothing was changed.`,
      };
    }

    const keep = checkKeepRequest(request, userName);
    if (!keep.ok) return refuse(request, keep.refusal);
    const { keepDays } = keep;

    const stale = await checkStale(store, identity, payload);
    if (stale) return refuse(request, stale);

    // A click from no message (the Home tab, `mine`) asks about the account as the last scan saw it:
    // a decision older than that scan was followed by the account turning risky again (re-enabled
    // in the source, say), so the same action is a new question, as build-mine-view shows it.
    const askedAt = payload.m === undefined ? stored.lastSeenAt : origin.sentAt;
    const repeat = await checkRepeat(store, identity, payload, askedAt, deps.now);
    if (!repeat.ok) {
      return refuse(
        request,
        repeat.duplicate ? duplicateRefusal(repeat.duplicate, userName) : repeat.refusal,
      );
    }
    const { undone } = repeat;

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
  };
}
