import { accountRisk, combineScores, type Score } from "../core/compute-score.js";
import { type BlindSpot, RULE_NAMES, type RuleName } from "../core/model.js";
import { reviewProgress } from "../reviews/build-review-status.js";
import type { DigestAccount, DigestAccountCursor } from "../store/digest-accounts.js";
import type { StoredFinding } from "../store/findings.js";
import type { UndeliveredMessage } from "../store/outbox.js";
import type { ScanRecord } from "../store/scans.js";
import type { Repositories } from "../store/store.js";
import { yieldToLoop } from "../yield-to-loop.js";
import { plural, RULE_OPENED, RULE_RESOLVED } from "./rule-text.js";
import { SPARKLINE_SCORES } from "./score-sparkline.js";

export interface DigestFindingLine {
  source: string;
  accountId: string;
  userName: string;
  rule: RuleName;
  summary: string;
}

export interface DigestAccountLine {
  source: string;
  accountId: string;
  userName: string;
  name: string;
  ownerName: string | undefined;
  rules: RuleName[];
  /** 0..1, as in the score. */
  risk: number;
}

/** A message warden could not deliver (plain text: renderers escape it). */
export type DigestUndeliveredLine = Omit<UndeliveredMessage, "id">;

/** One source's score in a digest of several sources. */
export interface DigestSourceScore {
  source: string;
  value: number;
  population: number;
  risky: number;
}

/** The riskiest accounts of a digest: the top few and the count of all with open findings. */
export interface DigestRiskiest {
  top: DigestAccountLine[];
  total: number;
}

/**
 * How many riskiest accounts a digest carries: the most any renderer lists (Slack, Teams and the
 * terminal show 10 lines, fewer when they would not fit). The rest is counted, not carried.
 */
export const DIGEST_TOP_ACCOUNTS = 10;

/**
 * Accounts with open findings read per statement while the digest is built: a page of 2,000 held
 * the event loop about 55 ms at 50,000 identities (the grouped read of their findings), 500 about
 * a quarter of that.
 */
const DIGEST_PAGE = 500;

/** The weekly digest as a neutral view model; renderers turn it into text, Block Kit or a card. */
export interface DigestView {
  generatedAt: Date;
  /** Newest scan of any outcome; `problem` says in words what is wrong with it, if anything. */
  lastScan:
    | { at: Date; status: ScanRecord["status"]; error: string | undefined; problem: string | undefined }
    | undefined;
  score:
    | {
        value: number;
        previous: number | undefined;
        reason: string | undefined;
        population: number;
        risky: number;
        /**
         * The last twelve scores, oldest first, ending with this one (one source's scans; with
         * several sources, absent: their scans are not taken together). Absent in older digests.
         */
        history?: number[] | undefined;
      }
    | undefined;
  byRule: { rule: RuleName; accounts: number; points: number }[];
  /**
   * Each source's own score when several are scanned (the score above combines them); absent with
   * one source, and in digests queued before it existed.
   */
  bySource?: DigestSourceScore[] | undefined;
  newFindings: DigestFindingLine[];
  fixedFindings: DigestFindingLine[];
  /**
   * The accounts with open findings: the riskiest few (riskiest first, as many as a digest shows:
   * DIGEST_TOP_ACCOUNTS) and how many there are, for the "… and N more" line.
   */
  riskiest: DigestRiskiest;
  /** Owners who have not answered warden's messages (filled by the chat features). */
  unansweredOwners: { owner: string; accounts: number; since: Date }[];
  /**
   * Messages still undelivered after the give-up time (still retried) and messages refused for
   * good within it, oldest first. Optional: digests queued by an older warden have none.
   */
  undelivered?: DigestUndeliveredLine[] | undefined;
  /** The open access review campaigns' progress (absent: none open, or a digest queued before reviews). */
  reviews?: DigestReviewLine[] | undefined;
  blindSpots: BlindSpot[];
}

/** One open access review campaign as the digest shows its progress. */
export interface DigestReviewLine {
  id: number;
  source?: string | undefined;
  dueAt: Date;
  total: number;
  certified: number;
  disabled: number;
  reassigned: number;
  pending: number;
  overdue: number;
}

/** Each open campaign's progress (one grouped read per campaign, on review_items_by_owner). */
async function openReviews(store: Pick<Repositories, "reviews">, now: Date): Promise<DigestReviewLine[]> {
  const lines: DigestReviewLine[] = [];
  for (const campaign of await store.reviews.listReviewCampaigns({ open: true })) {
    const { counts, total, overdue } = await reviewProgress(store, campaign, now);
    lines.push({
      id: campaign.id,
      source: campaign.source,
      dueAt: campaign.dueAt,
      total,
      ...counts,
      overdue,
    });
  }
  return lines;
}

export interface BuildDigestOptions {
  now: Date;
  /** A scan older than this many hours is called stale. Default 48 (a daily scan missed twice). */
  staleAfterHours?: number;
  /** WARDEN_DELIVERY_GIVE_UP_DAYS: a message failing this long is listed as undelivered. Default 7. */
  giveUpDays?: number;
  /** Accounts with open findings read per statement (default 500); each page is a short block. */
  pageSize?: number;
}

/**
 * Builds the digest from the store: every source's latest successful scan, compared with what the
 * previous digest reported (before any digest, with each source's scan before). With several
 * sources the score is their combined one (combineScores) and a problem names its source.
 */
export async function buildDigest(
  store: Pick<Repositories, "accounts" | "findings" | "outbox" | "scans" | "reviews">,
  options: BuildDigestOptions,
): Promise<DigestView> {
  const { now } = options;
  const staleMs = (options.staleAfterHours ?? 48) * 3_600_000;
  const newestBySource = await store.scans.listLatestScans();
  const latestBySource = (await store.scans.listLatestScans({ status: "succeeded" })).filter(
    (scan): scan is ScanRecord & { score: Score } => scan.score !== undefined,
  );

  const problemOf = (scan: ScanRecord): string | undefined => {
    if (scan.status === "failed") {
      return `The last scan failed (${scan.startedAt.toISOString()}): ${scan.error ?? "unknown error"}`;
    }
    if (scan.status === "running") return `A scan is running since ${scan.startedAt.toISOString()}.`;
    if (now.getTime() - scan.startedAt.getTime() > staleMs) {
      return `The last scan is stale: it ran ${Math.floor((now.getTime() - scan.startedAt.getTime()) / 3_600_000)} hours ago.`;
    }
    return undefined;
  };
  // The newest scan with a problem, else the newest scan: one source's success hides no other's failure.
  const newest = newestBySource.find((scan) => problemOf(scan) !== undefined) ?? newestBySource[0];
  const found = newest && problemOf(newest);
  const problem = !newest
    ? "No scan has run yet."
    : found && newestBySource.length > 1
      ? `${newest.source}: ${found}`
      : found;

  const view: DigestView = {
    generatedAt: now,
    lastScan: newest && { at: newest.startedAt, status: newest.status, error: newest.error, problem },
    score: undefined,
    byRule: [],
    newFindings: [],
    fixedFindings: [],
    riskiest: { top: [], total: 0 },
    unansweredOwners: await unansweredOwners(store, now),
    undelivered: (
      await store.outbox.listUndelivered({ now, giveUpMs: (options.giveUpDays ?? 7) * 86_400_000 })
    ).map(({ platform, kind, recipient, since, lastError, retrying }) => ({
      platform,
      kind,
      recipient,
      since,
      lastError,
      retrying,
    })),
    blindSpots: latestBySource.flatMap((scan) => scan.blindSpots),
  };
  const reviews = await openReviews(store, now);
  if (reviews.length > 0) view.reviews = reviews;
  if (latestBySource.length === 0) return view;
  const score = combineScores(latestBySource.map((scan) => scan.score));
  const trend = await trendOf(store, latestBySource);

  // Only the accounts with open findings, a page at a time with the event loop served between
  // pages; only the riskiest few are kept, and the names of the accounts whose findings changed.
  const key = (source: string, accountId: string) => `${source}\u0000${accountId}`;
  const names = new Map<string, string>();
  const wanted = new Set(
    [...(trend.changes?.opened ?? []), ...(trend.changes?.resolved ?? [])].map((f) =>
      key(f.source, f.accountId),
    ),
  );
  const riskiest = await readRiskiest(store, options.pageSize ?? DIGEST_PAGE, (account) => {
    const k = key(account.source, account.accountId);
    if (wanted.has(k)) names.set(k, account.userName);
  });
  const changed = [...(trend.changes?.opened ?? []), ...(trend.changes?.resolved ?? [])].filter(
    (f) => !names.has(key(f.source, f.accountId)),
  );
  for (const [k, userName] of await store.accounts.listLatestUserNames(changed)) names.set(k, userName);
  const line = (f: StoredFinding): DigestFindingLine => ({
    source: f.source,
    accountId: f.accountId,
    userName: names.get(key(f.source, f.accountId)) ?? f.accountId,
    rule: f.rule,
    summary: f.summary,
  });
  const { changes, previous, previousPopulation } = trend;
  view.newFindings = (changes?.opened ?? []).filter((f) => !f.resolvedAt).map(line);
  view.fixedFindings = (changes?.resolved ?? []).map(line);
  view.score = {
    value: score.value,
    previous,
    reason:
      previous !== undefined
        ? explainChange(previous, score.value, changes, {
            before: previousPopulation,
            after: score.population,
          })
        : undefined,
    population: score.population,
    risky: score.riskyAccounts,
  };
  const only = latestBySource.length === 1 ? latestBySource[0] : undefined;
  if (only) {
    view.score.history = await store.scans.listScoreHistory({ source: only.source, limit: SPARKLINE_SCORES });
  }
  if (latestBySource.length > 1) {
    view.bySource = latestBySource.map((scan) => ({
      source: scan.source,
      value: scan.score.value,
      population: scan.score.population,
      risky: scan.score.riskyAccounts,
    }));
  }
  view.byRule = RULE_NAMES.map((rule) => ({ rule, ...score.byRule[rule] })).filter((r) => r.accounts > 0);
  view.riskiest = riskiest;
  return view;
}

/**
 * The DIGEST_TOP_ACCOUNTS riskiest accounts with open findings (riskiest first, then by user name)
 * and how many there are, read in pages (listDigestAccountsPage) with the event loop served
 * between them; `onAccount` sees every account on the way. Risk depends only on the set of rules,
 * so it is computed once per set.
 */
async function readRiskiest(
  store: Pick<Repositories, "accounts">,
  pageSize: number,
  onAccount: (account: DigestAccount) => void,
): Promise<DigestRiskiest> {
  const riskOf = new Map<string, number>();
  const top: (DigestAccount & { risk: number })[] = [];
  const before = (a: { risk: number; userName: string }, b: { risk: number; userName: string }) =>
    b.risk - a.risk || byName(a.userName, b.userName);
  let total = 0;
  let after: DigestAccountCursor | undefined;
  do {
    const page = await store.accounts.listDigestAccountsPage({ after, limit: pageSize });
    for (const account of page.accounts) {
      onAccount(account);
      total++;
      const rulesKey = account.rules.join(",");
      let risk = riskOf.get(rulesKey);
      if (risk === undefined) {
        risk = accountRisk({ disabled: false, rules: account.rules });
        riskOf.set(rulesKey, risk);
      }
      const entry = { ...account, risk };
      const worst = top.at(-1);
      if (top.length >= DIGEST_TOP_ACCOUNTS && worst && before(entry, worst) >= 0) continue;
      // A short sorted list: insert in place, drop the one that falls off.
      let at = top.length;
      while (at > 0 && before(entry, top[at - 1] as (typeof top)[number]) < 0) at--;
      top.splice(at, 0, entry);
      if (top.length > DIGEST_TOP_ACCOUNTS) top.pop();
    }
    after = page.next;
    if (after) await yieldToLoop();
  } while (after);
  const owners = await store.accounts.listDigestOwnerNames(top);
  return {
    top: top.map(({ source, accountId, userName, name, rules, risk }) => ({
      source,
      accountId,
      userName,
      name,
      ownerName: owners.get(`${source}\u0000${accountId}`),
      rules,
      risk,
    })),
    total,
  };
}

/**
 * String.prototype.localeCompare's order, from one collator: localeCompare builds one per call,
 * which made sorting 40,000 accounts take most of a second
 * (https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/String/localeCompare#performance).
 */
const byName = new Intl.Collator().compare;

type FindingChanges = { opened: StoredFinding[]; resolved: StoredFinding[] };

/**
 * What the digest compares with: the previous digest (its score, and the findings changed since
 * its scan) when there is one older than the latest scans; before any digest, each source's scan
 * before its latest (none when no source has been scanned twice).
 */
async function trendOf(
  store: Pick<Repositories, "findings" | "scans">,
  latest: readonly ScanRecord[],
): Promise<{
  previous: number | undefined;
  /** How many accounts the compared state counted (undefined when unknown). */
  previousPopulation: number | undefined;
  changes: FindingChanges | undefined;
}> {
  const latestId = Math.max(...latest.map((scan) => scan.id));
  const digest = await store.scans.previousDigest(latestId);
  if (digest) {
    // With one source the digest's scan is the compared state; with several, its count is unknown.
    const scan = latest.length === 1 ? await store.scans.scanOfPreviousDigest(latestId) : undefined;
    return {
      previous: digest.score,
      previousPopulation: scan?.score?.population,
      changes: await store.findings.listFindingChanges(digest.since),
    };
  }
  const before = (await store.scans.listPreviousScans()).filter((scan) =>
    latest.some((l) => l.source === scan.source),
  );
  if (before.length === 0) return { previous: undefined, previousPopulation: undefined, changes: undefined };
  const changes: FindingChanges = { opened: [], resolved: [] };
  for (const scan of before) {
    const since = await store.findings.listFindingChanges(scan.finishedAt ?? scan.startedAt, scan.source);
    changes.opened.push(...since.opened);
    changes.resolved.push(...since.resolved);
  }
  // A source scanned only once has not changed since: its latest scan is its previous state too.
  const scores = latest.flatMap((scan) => (before.find((b) => b.source === scan.source) ?? scan).score ?? []);
  const combined = combineScores(scores);
  return { previous: combined.value, previousPopulation: combined.population, changes };
}

/**
 * Why the score moved: "72 → 65: new: 3 accounts started using Basic auth; fixed: 1 got an owner;
 * 4 accounts added". New findings lower it, fixed ones raise it; what moved it in the direction it
 * moved comes first, and a change in how many accounts there are is said last (clean accounts
 * added raise the score with no finding changing).
 */
function explainChange(
  before: number,
  after: number,
  changes: { opened: StoredFinding[]; resolved: StoredFinding[] } | undefined,
  population: { before: number | undefined; after: number },
): string {
  const head = `${before} → ${after}`;
  const delta = population.before === undefined ? 0 : population.after - population.before;
  const accounts =
    delta > 0 ? `${plural(delta, "account")} added` : delta < 0 ? `${plural(-delta, "account")} removed` : "";
  if (!changes) return accounts ? `${head}: ${accounts}` : head;
  const count = (list: StoredFinding[]) => {
    const byRule = new Map<RuleName, number>();
    for (const f of list) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
    return [...byRule].sort((x, y) => y[1] - x[1]).slice(0, 3);
  };
  const opened = count(changes.opened).map(([rule, n]) => `${plural(n, "account")} ${RULE_OPENED[rule]}`);
  const resolved = count(changes.resolved).map(([rule, n]) => `${n} ${RULE_RESOLVED[rule]}`);
  const news = opened.length > 0 ? `new: ${opened.join(", ")}` : "";
  const fixed = resolved.length > 0 ? `fixed: ${resolved.join(", ")}` : "";
  // Lead with what moved the score in the direction it moved.
  const parts = (after < before ? [news, fixed] : [fixed, news]).filter(Boolean);
  if (accounts) parts.push(accounts);
  if (parts.length > 0) return `${head}: ${parts.join("; ")}`;
  return before === after ? `${head}: no change` : `${head}: accounts were added or removed`;
}

/** Owners who have not answered a message for 3 days or more, with how many accounts wait on them. */
async function unansweredOwners(
  store: Pick<Repositories, "outbox">,
  now: Date,
): Promise<DigestView["unansweredOwners"]> {
  const byOwner = new Map<string, { owner: string; accounts: number; since: Date }>();
  const sentBefore = new Date(now.getTime() - 3 * 86_400_000);
  for (const message of await store.outbox.listUnansweredMessages(sentBefore, now)) {
    const entry = byOwner.get(message.ownerEmail) ?? {
      owner: message.ownerEmail,
      accounts: 0,
      since: message.sentAt,
    };
    entry.accounts += message.accountIds.length;
    if (message.sentAt < entry.since) entry.since = message.sentAt;
    byOwner.set(message.ownerEmail, entry);
  }
  return [...byOwner.values()].sort((a, b) => a.since.getTime() - b.since.getTime());
}
