import { accountRisk } from "../core/compute-score.js";
import { RULE_NAMES, type RuleName } from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import { accessPolicy, isAdmin } from "../remediation/can-act-on.js";
import type { Repositories } from "../store/store.js";
import { type OwnerAccountView, toOwnerAccountView } from "./build-owner-messages.js";
import { toDecisionLineView } from "./to-decision-line-view.js";

/**
 * Accounts per page on every surface (Slack Home tab, `/warden mine`, Teams `mine`). Text, not
 * blocks, is the binding limit: one account renders up to about 2,100 characters and Slack refuses
 * a message above about 13,000 (block-kit-limits.ts `totalText`), so five fit in the worst case
 * with the header, the filters and the pager; a Teams card of five stays well under 28 KB.
 */
export const MINE_PAGE_SIZE = 5;

/** What the list is narrowed to; absent fields mean "all". */
export interface MineFilter {
  rule?: RuleName | undefined;
  source?: string | undefined;
}

export interface MineView {
  /** The viewer's email in normalizeEmail's form; undefined when the platform gave none. */
  viewer: string | undefined;
  /** The viewer is a warden admin (the list is still their own: see the README's "Home"). */
  admin: boolean;
  /** The viewer's accounts with an open finding that is not kept, before the filter. */
  total: number;
  /** Of those, the ones the filter keeps. */
  matching: number;
  /** 1-based, clamped to the pages there are. */
  page: number;
  pageCount: number;
  pageSize: number;
  filter: MineFilter;
  /** This page's accounts, riskiest first, each with its offered actions and its latest decision. */
  accounts: OwnerAccountView[];
  /** The rules among the viewer's accounts (registry order), with how many accounts each: the rule filter's options. */
  rules: { rule: RuleName; accounts: number }[];
  /** The sources of the viewer's accounts (by name), with how many accounts each. */
  sources: { source: string; accounts: number }[];
  /** Accounts whose every open finding is kept (accepted risk) for now: counted, not listed. */
  kept: number;
}

export interface MineQuery {
  /** The viewer's email as the chat platform reported it. */
  email: string | undefined;
  admins: readonly string[];
  filter?: MineFilter | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
  now: Date;
  /** WARDEN_MODE=ticket: the accounts' buttons say they open a ticket (OwnerAccountView.ticketMode). */
  ticketMode?: boolean | undefined;
}

/**
 * The viewer's machine identities (they own them of record: the owner assigned in chat, else the
 * source's owner reference), riskiest first, paged and filtered by rule and source. From the store
 * only, on indexes: the viewer's findings are ranked without parsing a snapshot, then only the
 * page's accounts are read in full. A kept finding is left out until its acceptance expires, as in
 * owner messages. Each account carries the decision taken on it since the last scan that saw it
 * (or a Keep still running), so a click from the Home tab shows its outcome and Undo.
 */
export async function buildMineView(
  store: Pick<Repositories, "accounts" | "findings" | "decisions" | "tickets">,
  query: MineQuery,
): Promise<MineView> {
  const viewer = normalizeEmail(query.email);
  const admin = isAdmin({ email: query.email }, accessPolicy(query.admins));
  const pageSize = Math.max(1, query.pageSize ?? MINE_PAGE_SIZE);
  const filter = query.filter ?? {};
  const empty: MineView = {
    viewer,
    admin,
    total: 0,
    matching: 0,
    page: 1,
    pageCount: 1,
    pageSize,
    filter,
    accounts: [],
    rules: [],
    sources: [],
    kept: 0,
  };
  if (viewer === undefined) return empty;

  const key = (source: string, id: string) => `${source}\u0000${id}`;
  const byAccount = new Map<string, { source: string; id: string; userName: string; rules: Set<RuleName> }>();
  const keptOnly = new Set<string>();
  for (const finding of await store.accounts.listOwnedFindings(viewer)) {
    const k = key(finding.source, finding.accountId);
    if (finding.acceptedUntil && finding.acceptedUntil > query.now) {
      if (!byAccount.has(k)) keptOnly.add(k);
      continue;
    }
    keptOnly.delete(k);
    const account = byAccount.get(k) ?? {
      source: finding.source,
      id: finding.accountId,
      userName: finding.userName,
      rules: new Set<RuleName>(),
    };
    account.rules.add(finding.rule);
    byAccount.set(k, account);
  }
  const ranked = [...byAccount.values()]
    .map((a) => ({ ...a, risk: accountRisk({ disabled: false, rules: [...a.rules] }) }))
    .sort((a, b) => b.risk - a.risk || a.userName.localeCompare(b.userName) || a.id.localeCompare(b.id));

  const ruleCounts = new Map<RuleName, number>();
  const sourceCounts = new Map<string, number>();
  for (const account of ranked) {
    for (const rule of account.rules) ruleCounts.set(rule, (ruleCounts.get(rule) ?? 0) + 1);
    sourceCounts.set(account.source, (sourceCounts.get(account.source) ?? 0) + 1);
  }
  const matching = ranked.filter(
    (a) =>
      (filter.rule === undefined || a.rules.has(filter.rule)) &&
      (filter.source === undefined || a.source === filter.source),
  );
  const pageCount = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(Math.max(1, Math.trunc(query.page ?? 1) || 1), pageCount);

  const accounts: OwnerAccountView[] = [];
  for (const entry of matching.slice((page - 1) * pageSize, page * pageSize)) {
    const stored = await store.accounts.findAccount(entry.source, entry.id);
    if (!stored) continue;
    const findings = (
      await store.findings.listOpenFindings({ source: entry.source, accountId: entry.id })
    ).filter((f) => !(f.acceptedUntil && f.acceptedUntil > query.now));
    const view = toOwnerAccountView(stored.identity, findings);
    const decision = await store.decisions.getLatestEffectiveDecision(entry.source, entry.id);
    // A decision the last scan has not seen yet is the account's news (Undo included); an older one
    // was followed by a scan that still found the account risky, so its buttons are live again.
    if (
      decision &&
      (decision.action === "keep"
        ? decision.expiresAt !== undefined && decision.expiresAt > query.now
        : decision.decidedAt >= stored.lastSeenAt)
    ) {
      view.decision = toDecisionLineView(decision);
    }
    // Ticket mode: an open ticket is the account's state until a scan finds the change made.
    const ticket = await store.tickets.findOpenTicket(entry.source, entry.id);
    const ticketed = ticket && (await store.decisions.getDecision(ticket.decisionId));
    if (ticketed) view.decision = toDecisionLineView(ticketed);
    if (query.ticketMode) view.ticketMode = true;
    accounts.push(view);
  }
  return {
    ...empty,
    total: ranked.length,
    matching: matching.length,
    page,
    pageCount,
    accounts,
    rules: RULE_NAMES.filter((r) => ruleCounts.has(r)).map((rule) => ({
      rule,
      accounts: ruleCounts.get(rule) ?? 0,
    })),
    sources: [...sourceCounts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([source, count]) => ({ source, accounts: count })),
    kept: keptOnly.size,
  };
}

/** Reads a filter from untrusted input (a Slack select's value, Teams card data): unknown values mean "all". */
export function parseMineFilter(input: { rule?: unknown; source?: unknown }): MineFilter {
  const rule = RULE_NAMES.find((r) => r === input.rule);
  const source =
    typeof input.source === "string" && /^[a-z0-9_-]{1,40}$/i.test(input.source) ? input.source : undefined;
  return { ...(rule ? { rule } : {}), ...(source ? { source } : {}) };
}
