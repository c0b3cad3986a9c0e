import type { ActionKind } from "../actions/action-payload.js";
import { type OwnerAction, offeredActions } from "../actions/action-registry.js";
import { accountRisk } from "../core/compute-score.js";
import { canLogIntoUi } from "../core/identity-questions.js";
import type {
  ApiCall,
  AuthMethodCounts,
  Finding,
  MachineIdentity,
  Owner,
  SourceAttributes,
} from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import type { Repositories } from "../store/store.js";
import { createPacer, yieldToLoop } from "../yield-to-loop.js";
import { type AccountLink, linkFor } from "./account-link.js";
import { describeUsage, sourceTitle, type UsageFact } from "./describe-usage.js";

/** What an owner can do about an account from chat (declared in src/actions/). */
export type { OwnerAction };

/** A decision already taken on an account, shown in place of its buttons. */
export interface DecisionLineView {
  decisionId: number;
  /**
   * "fixed": nobody clicked; the account's findings went away in the source itself.
   * "reassigned": an admin assigned the account to someone else (`reason` names them).
   */
  action: ActionKind | "fixed" | "reassigned";
  /** Who acted: email, or chat user id when no email is known. */
  actor: string;
  /** The actor's chat user, so the platform they acted on can mention them (absent in older views). */
  actorRef?: { platform: string; id: string } | undefined;
  at: Date;
  /** "ticketed": ticket mode opened `ticket`, asking for the change; warden wrote nothing. */
  outcome: "applied" | "dry_run" | "already" | "failed" | "ticketed";
  /** The ticket a ticketed decision opened, and when a later scan found the change made. */
  ticket?: { number: string; url: string; doneAt?: Date | undefined } | undefined;
  /** For keep: the reason and until when. */
  reason?: string | undefined;
  expiresAt?: Date | undefined;
  error?: string | undefined;
  /** Until when the Undo button is offered (24 hours after a disable or restrict). */
  undoUntil?: Date | undefined;
  /**
   * What exactly was changed or left alone, from the values recorded before and after (the
   * action's `detail`): "removed admin; left alone: security_admin (inherited from group …)".
   */
  detail?: string | undefined;
}

export interface OwnerAccountView {
  source: string;
  /** The kind of source (absent in views queued before Entra ID: ServiceNow), for per-source wording. */
  sourceKind?: SourceAttributes["kind"] | undefined;
  accountId: string;
  userName: string;
  name: string;
  active: boolean;
  /** The account cannot log into the source's UI (ServiceNow: Web Service Access Only). */
  webServiceAccessOnly: boolean;
  findings: Finding[];
  risk: number;
  /** What a change would touch: the calls it made in 7 days and how it authenticates. */
  uniqueApiCalls7d: ApiCall[];
  authMethods30d: AuthMethodCounts | undefined;
  /** "ServiceNow", "Entra ID": where the account lives (messages list both sources' accounts). */
  sourceTitle?: string | undefined;
  /**
   * What a change would touch, in its source's words (describe-usage.ts); absent in messages
   * stored before it existed, which read ServiceNow's parts above (usageOf).
   */
  usage?: UsageFact[] | undefined;
  actions: OwnerAction[];
  /** Where to open the account in its source's console; absent where unknown and in older views. */
  link?: AccountLink | undefined;
  /** Sent in ticket mode (WARDEN_MODE=ticket): a change button opens a ticket instead of writing. */
  ticketMode?: boolean | undefined;
  /** Set once someone acted on the account from this message. */
  decision?: DecisionLineView | undefined;
  /** The account was assigned to this owner in chat: by which admin (email), and when. */
  assigned?: { by: string; at: Date } | undefined;
  /**
   * In an access review message: the campaign that asks about the account (its buttons carry it,
   * see buildActionPayload), and its latest certification, if any.
   */
  campaignId?: number | undefined;
  certified?: { by: string; at: Date; reason: string } | undefined;
}

export interface OwnerMessageView {
  owner: Owner & { email: string };
  /** Riskiest first. */
  accounts: OwnerAccountView[];
  /**
   * Set once a newer message to the same owner on the same platform was delivered: this one
   * keeps its text, loses its buttons and points to the newer one (see deliverOutbox). Once no
   * Undo is left on it, retention compacts what is stored of it (compactOwnerMessageView).
   */
  supersededBy?: { outboxId: number; sentAt: Date } | undefined;
}

export interface OwnerMessages {
  messages: OwnerMessageView[];
  /** Risky accounts with no reachable owner: they go to the admin channel for assignment. */
  unowned: OwnerAccountView[];
}

/** One risky account as owner and admin messages show it. */
export function toOwnerAccountView(
  identity: MachineIdentity,
  findings: Finding[],
  /** The ServiceNow instance's origin, for its "Open in ServiceNow" link (undefined: no link). */
  servicenowOrigin?: string | undefined,
): OwnerAccountView {
  return {
    source: identity.source,
    sourceKind: identity.attributes.kind,
    accountId: identity.id,
    userName: identity.userName,
    name: identity.name,
    active: identity.active,
    webServiceAccessOnly: !canLogIntoUi(identity),
    findings,
    risk: accountRisk({ disabled: false, rules: findings.map((f) => f.rule) }),
    uniqueApiCalls7d: identity.uniqueApiCalls7d,
    authMethods30d: identity.authMethods30d,
    sourceTitle: sourceTitle(identity),
    usage: describeUsage(identity, { apiCallsShown: 3 }),
    link: linkFor(identity, servicenowOrigin),
    // Each action says which accounts offer it (src/actions/); Restrict only one that can log into
    // the UI (never an Entra service principal), Remove expired credential one with such a finding.
    actions: offeredActions({
      sourceKind: identity.attributes.kind,
      canLogIntoUi: canLogIntoUi(identity),
      findings,
    }),
  };
}

/** True when the owner's "name" is only their email (an assignment without a display name). */
const sameEmailName = (owner: { name: string; email?: string | undefined }) =>
  !owner.name.trim() || normalizeEmail(owner.name) === normalizeEmail(owner.email);

/**
 * One message per owner listing their risky accounts, of every source, from each source's latest
 * successful scan. An owner is reachable when active and with an email; otherwise the account
 * goes to the admins.
 */
export async function buildOwnerMessages(
  store: Pick<Repositories, "accounts" | "findings" | "ownerOverrides" | "settings">,
  options: { now?: Date } = {},
): Promise<OwnerMessages> {
  const servicenowOrigin = await store.settings.getSourceInstance();
  const now = options.now ?? new Date();
  const accountKey = (source: string, accountId: string) => `${source}\u0000${accountId}`;
  const findingsByAccount = new Map<string, Finding[]>();
  // A page at a time with the event loop free between pages: 50,000 accounts take seconds to read.
  let afterId: number | undefined;
  for (let page = await nextFindings(); page.length > 0; page = await nextFindings()) {
    for (const finding of page) {
      // A kept (accepted) finding is not sent again until its acceptance expires.
      if (finding.acceptedUntil && finding.acceptedUntil > now) continue;
      const k = accountKey(finding.source, finding.accountId);
      const list = findingsByAccount.get(k);
      if (list) list.push(finding);
      else findingsByAccount.set(k, [finding]);
    }
    afterId = page.at(-1)?.id;
    await yieldToLoop();
  }
  async function nextFindings() {
    return store.findings.listOpenFindingsPage({ afterId, limit: FINDINGS_PAGE });
  }
  const assignments = await store.ownerOverrides.listOwnerAssignments();
  const byOwner = new Map<string, OwnerMessageView>();
  const unowned: OwnerAccountView[] = [];
  let after: { source: string; id: string } | undefined;
  for (;;) {
    // Only accounts with an open finding: no other account's snapshot is read.
    const page = await store.accounts.listLatestAccountsPage({ after, limit: ACCOUNTS_PAGE, risky: true });
    if (page.length === 0) break;
    const last = page.at(-1)?.identity;
    after = last && { source: last.source, id: last.id };
    for (const { identity } of page) addAccount(identity);
    await yieldToLoop();
  }
  function addAccount(identity: MachineIdentity): void {
    // An owner assigned in chat replaces the source's reference, and answers "no owner" at once
    // (the next scan resolves that finding: judgeIdentity's assignedOwners).
    const assigned = assignments.get(`${identity.source}:${identity.id}`);
    const open = findingsByAccount.get(accountKey(identity.source, identity.id));
    const findings = assigned ? open?.filter((f) => f.rule !== "no_owner") : open;
    if (!findings || findings.length === 0) return;
    const view = toOwnerAccountView(identity, findings, servicenowOrigin);
    if (assigned) view.assigned = { by: assigned.assignedBy, at: assigned.assignedAt };
    const owner = assigned
      ? {
          id: "",
          userName: assigned.ownerEmail,
          name: assigned.ownerName ?? assigned.ownerEmail,
          email: assigned.ownerEmail,
          active: true,
        }
      : identity.owner;
    // An owner whose email is not valid under normalizeEmail's rule cannot be matched or reached.
    const key = normalizeEmail(owner?.email);
    if (!owner || key === undefined || !owner.active) {
      unowned.push(view);
      return;
    }
    const known = byOwner.get(key);
    const message = known ?? { owner: { ...owner, email: key }, accounts: [] };
    // The greeting uses a real name when any source of the owner has one (not the bare email).
    if (known && sameEmailName(known.owner) && !sameEmailName(owner)) message.owner.name = owner.name;
    // The Entra object id Teams messages by, when any of the owner's accounts is an Entra app.
    if (message.owner.directoryId === undefined && owner.directoryId !== undefined) {
      message.owner.directoryId = owner.directoryId;
    }
    message.accounts.push(view);
    byOwner.set(key, message);
  }
  const byRisk = (a: OwnerAccountView, b: OwnerAccountView) =>
    b.risk - a.risk || a.userName.localeCompare(b.userName);
  const messages = [...byOwner.values()];
  const pace = createPacer();
  for (const message of messages) {
    message.accounts.sort(byRisk);
    await pace();
  }
  messages.sort((a, b) => a.owner.email.localeCompare(b.owner.email));
  await yieldToLoop();
  unowned.sort(byRisk);
  return { messages, unowned };
}

/** Rows read per page (each page a few ms of work, then a yield to the event loop). */
const FINDINGS_PAGE = 500;
const ACCOUNTS_PAGE = 200;
