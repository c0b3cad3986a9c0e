import { DEFAULT_RETENTION_DAYS } from "../config/load-config.js";
import { isDisabled, judgeIdentity } from "../core/assess-identity.js";
import { computeScore, type Score } from "../core/compute-score.js";
import type { ActivityHistory, Finding, Inventory, RuleName } from "../core/model.js";
import { WardenError } from "../errors.js";
import type { Logger } from "../logger.js";
import { redactUrlsIn } from "../redact-url.js";
import type { CollectProgress, SourceConnector } from "../sources/source-connector.js";
import type { SaveSummary } from "../store/save-scan-result.js";
import { SCAN_HEARTBEAT_MS } from "../store/scans.js";
import type { Store } from "../store/store.js";
import { createPacer, yieldToLoop } from "../yield-to-loop.js";
import { type PruneSummary, pruneExpired } from "./prune-expired.js";
import { type StoreBatching, storeScanResult } from "./store-scan-result.js";

export interface RunScanDeps {
  store: Store;
  connector: SourceConnector;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  logger: Logger;
  dormantDays: number;
  /** CREDENTIAL_WARN_DAYS: credentials expiring sooner are reported (default 30). */
  credentialWarnDays?: number;
  /** WARDEN_RETENTION_DAYS: what is older is pruned after the scan (default 400). */
  retentionDays?: number;
  onProgress?: (progress: CollectProgress) => void;
  /** How the store write is cut into batches (tests: small batches, a hook between them). */
  storeBatching?: StoreBatching;
}

export interface ScanOutcome {
  scanId: number;
  inventory: Inventory;
  findings: Map<string, Finding[]>;
  score: Score;
  changes: SaveSummary;
  /** Where the time went, in milliseconds (logged, and printed by the benchmark). */
  timings: { collectMs: number; assessMs: number; storeMs: number; checkpointMs: number; pruneMs: number };
  /** What retention removed after the scan; undefined when pruning failed (logged; the scan stands). */
  pruned: PruneSummary | undefined;
}

/**
 * One scan of one source: collect, assess, score, store. The scan row is written first, so a scan
 * that dies leaves a trace; results are written in one transaction at the end, so a scan that fails
 * or is killed leaves the previous results intact. A failure is recorded with its reason and rethrown.
 * Assessing and storing work in bounded pieces with the event loop free between them: a serving
 * process keeps answering /healthz and Slack while 50,000 identities are scanned.
 */
export async function runScan(deps: RunScanDeps): Promise<ScanOutcome> {
  const { store, connector, logger } = deps;
  const startedAt = deps.now();
  // Checked and claimed in one write transaction: a second scan started meanwhile finds this one running.
  const claim = await store.scans.claimScan(connector.name, startedAt);
  if (claim.running) {
    throw new WardenError(
      "E_SCAN_RUNNING",
      `A scan is already running (scan ${claim.running.id}, started ${claim.running.startedAt.toISOString()}); try again when it has finished.`,
    );
  }
  const scanId = claim.id;
  const log = logger.child({ job: "scan", scanId, source: connector.name });
  log.info({}, "scan started");
  // Replicas on other machines cannot check this process: the scan's heartbeat tells them it runs.
  const heartbeat = setInterval(() => {
    store.scans
      .beatScan(scanId, deps.now())
      .catch((error: unknown) => log.warn({ err: error }, "could not record the scan's heartbeat"));
  }, SCAN_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const t0 = performance.now();
    const inventory = await connector.collectInventory({
      now: startedAt,
      dormantDays: deps.dormantDays,
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    });
    const t1 = performance.now();
    deps.onProgress?.({ phase: "assessing" });
    const history = await loadHistory(store, inventory.source);
    const findings = new Map<string, Finding[]>();
    const undecided = new Map<string, RuleName[]>();
    const assessOptions = {
      now: startedAt,
      dormantDays: deps.dormantDays,
      ...(deps.credentialWarnDays !== undefined ? { credentialWarnDays: deps.credentialWarnDays } : {}),
      blindSpots: inventory.blindSpots,
      apiLogSince: inventory.coverage.apiLogSince,
      uiLoginLogSince: inventory.coverage.uiLoginLogSince,
      oauthTokensSince: inventory.coverage.oauthTokensSince,
      assignedOwners: await assignedOwnerIds(store, inventory.source),
    };
    const pace = createPacer();
    for (const identity of inventory.identities) {
      await pace();
      const judged = judgeIdentity(identity, history.get(identity.id), assessOptions);
      if (judged.findings.length > 0) findings.set(identity.id, judged.findings);
      if (judged.undecided.length > 0) undecided.set(identity.id, judged.undecided);
    }
    await carryOverBlindFindings(store, inventory, findings, undecided);
    await yieldToLoop();
    const score = computeScore(
      inventory.identities.map((identity) => ({
        disabled: isDisabled(identity),
        rules: (findings.get(identity.id) ?? []).map((f) => f.rule),
      })),
    );
    const t2 = performance.now();
    deps.onProgress?.({ phase: "storing" });
    // One transaction of its own, written in batches.
    const { changes, writeMs, checkpointMs } = await storeScanResult(
      store,
      { scanId, inventory, findings, score, finishedAt: deps.now() },
      deps.storeBatching,
    );
    const t4 = performance.now();
    const pruned = await prune(deps, log);
    const timings = {
      collectMs: Math.round(t1 - t0),
      assessMs: Math.round(t2 - t1),
      storeMs: Math.round(writeMs),
      checkpointMs: Math.round(checkpointMs),
      pruneMs: Math.round(performance.now() - t4),
    };
    log.info(
      {
        identities: inventory.identities.length,
        score: score.value,
        ...changes,
        requests: inventory.requests,
        ...timings,
      },
      "scan succeeded",
    );
    return { scanId, inventory, findings, score, changes, timings, pruned };
  } catch (error) {
    // Recorded, shown by /readyz and the digest, and audited: never with a URL's credentials.
    const reason = redactUrlsIn(error instanceof Error ? error.message : String(error));
    const finishedAt = deps.now();
    await store.scans.recordScanFailure({ scanId, source: connector.name, at: finishedAt, reason });
    log.error({ err: error }, "scan failed");
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Retention after a stored scan. A failure here (a full disk, a locked database) does not undo the
 * scan, which is committed: it is logged, and what is left is pruned after the next scan.
 */
async function prune(deps: RunScanDeps, log: Logger): Promise<PruneSummary | undefined> {
  try {
    return await pruneExpired(deps.store, {
      now: deps.now(),
      retentionDays: deps.retentionDays ?? DEFAULT_RETENTION_DAYS,
      logger: log,
    });
  } catch (error) {
    log.warn({ err: error }, "retention could not prune old data; it is tried again after the next scan");
    return undefined;
  }
}

const KEPT_OPEN = "Kept open: the signal it rests on could not be read in the latest scan";

/**
 * Not seeing a risk is not evidence it went away: an open finding whose rule this scan could not
 * decide for the account (a signal it needs was blind, and what could be read does not settle it)
 * stays open, for an account still present and enabled. One the readable signals settle is
 * resolved: an account with recent activity in any signal is never kept dormant.
 */
async function carryOverBlindFindings(
  store: Store,
  inventory: Inventory,
  findings: Map<string, Finding[]>,
  undecided: ReadonlyMap<string, readonly RuleName[]>,
): Promise<void> {
  if (undecided.size === 0) return;
  const present = new Map(inventory.identities.map((i) => [i.id, i]));
  const source = inventory.source;
  let afterId: number | undefined;
  for (;;) {
    const page = await store.findings.listOpenFindingsPage({ source, afterId, limit: FINDINGS_PAGE });
    if (page.length === 0) return;
    afterId = page.at(-1)?.id;
    for (const stored of page) {
      const identity = present.get(stored.accountId);
      if (!identity || isDisabled(identity)) continue;
      if (!undecided.get(stored.accountId)?.includes(stored.rule)) continue;
      const list = findings.get(stored.accountId) ?? [];
      if (list.some((f) => f.rule === stored.rule)) continue;
      list.push({
        rule: stored.rule,
        severity: stored.severity,
        summary: stored.summary,
        remediation: stored.remediation,
        evidence: [
          ...stored.evidence.filter((e) => e.detail !== KEPT_OPEN),
          { signal: "history", detail: KEPT_OPEN },
        ],
      });
      findings.set(stored.accountId, list);
    }
    await yieldToLoop();
  }
}

/** Rows read back per page, with a yield to the event loop between pages (a few ms each). */
const FINDINGS_PAGE = 250;
const HISTORY_PAGE = 2000;

/** Warden's remembered activity of the source's accounts, read a page at a time. */
async function loadHistory(store: Store, source: string): Promise<Map<string, ActivityHistory>> {
  const history = new Map<string, ActivityHistory>();
  let afterId: string | undefined;
  for (;;) {
    const page = await store.accounts.loadActivityHistoryPage(source, { afterId, limit: HISTORY_PAGE });
    if (page.length === 0) return history;
    for (const [id, activity] of page) history.set(id, activity);
    afterId = page.at(-1)?.[0];
    await yieldToLoop();
  }
}

/** Accounts of `source` whose owner an admin assigned in chat (rule no_owner does not fire for them). */
async function assignedOwnerIds(store: Store, source: string): Promise<Set<string>> {
  const prefix = `${source}:`;
  return new Set(
    [...(await store.ownerOverrides.listOwnerAssignments()).keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length)),
  );
}
