import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { computeScore } from "../core/compute-score.js";
import type { Finding, MachineIdentity } from "../core/model.js";
import { buildAccountView } from "../messages/build-account-view.js";
import type { OwnerAccountView } from "../messages/build-owner-messages.js";
import { enqueueFollowUps } from "../notify/enqueue-follow-ups.js";
import { createSqliteStore } from "../store/create-sqlite-store.js";
import { openDatabase } from "../store/open-database.js";
import type { Store } from "../store/store.js";

const DAY = 86_400_000;
const ACCOUNTS_PER_MESSAGE = 5;
/** Owner messages go out daily; the oldest still unanswered were sent this many days ago. */
const SPREAD_DAYS = 14;

export interface PassTiming {
  ms: number;
  /** The longest the event loop was held during the pass (monitorEventLoopDelay's maximum). */
  longestBlockMs: number;
  reminders: number;
  escalations: number;
}

export interface FollowUpTiming {
  identities: number;
  unansweredAccounts: number;
  messages: number;
  /** The first pass after the upgrade: every message sent 3 or more days before is due at once. */
  catchUp: PassTiming;
  /** The next day's pass: what became due that day. */
  daily: PassTiming;
}

const dormant: Finding = {
  rule: "dormant",
  severity: "high",
  summary: "No API call and no UI login for 100 days",
  evidence: [{ signal: "api_calls", detail: "no API call in 30 days" }],
  remediation: "disable",
};

function identity(m: number, owner: number | undefined): MachineIdentity {
  return {
    source: "servicenow",
    id: m.toString(16).padStart(32, "0"),
    userName: `svc_bench_${m}`,
    name: `Bench integration ${m}`,
    active: true,
    attributes: { kind: "servicenow", lockedOut: false, webServiceAccessOnly: true },
    roles: ["itil"],
    privilegedRoles: [],
    apiCalls30d: 0,
    uniqueApiCalls7d: [],
    discoveredBy: ["wsao"],
    owner:
      owner === undefined
        ? undefined
        : {
            id: `owner${owner}`,
            userName: `owner.${owner}`,
            name: `Owner ${owner}`,
            email: `owner.${owner}@bench.example`,
            active: true,
          },
  };
}

/**
 * Seeds a store through the store port as a year of use leaves it at `identities` identities:
 * `unanswered` of them with an open finding, shown in sent owner messages (5 accounts each, sent
 * daily over the last 14 days) that nobody answered. Then times the follow-up passes: the first
 * one (the catch-up after an upgrade, everything due at once) and the next day's, each with the
 * longest event-loop block measured while it runs.
 */
export async function measureFollowUps(
  dir: string,
  options: { identities?: number; unanswered?: number; now?: Date } = {},
): Promise<FollowUpTiming> {
  const count = options.identities ?? 50_000;
  const unanswered = options.unanswered ?? 15_000;
  const now = options.now ?? new Date();
  const path = join(dir, "follow-ups.db");
  const store = createSqliteStore(openDatabase(path), { location: path });
  try {
    const messages = await seed(store, count, unanswered, now);
    // As after a scan (save-scan-result.ts), and with the seed's garbage collected when the bench
    // runs with --expose-gc: the passes are timed on their own.
    await store.scans.checkpointDatabase();
    (globalThis as { gc?: () => void }).gc?.();
    const catchUp = await timePass(store, new Date(now.getTime() - DAY));
    const daily = await timePass(store, now);
    return { identities: count, unansweredAccounts: unanswered, messages, catchUp, daily };
  } finally {
    await store.close();
  }
}

/** The scan's accounts and findings, then the owner messages; returns how many messages. */
async function seed(store: Store, count: number, unanswered: number, now: Date): Promise<number> {
  // Every third identity of the first 3 × `unanswered` is risky: spread through the table.
  const risky = (m: number) => m % 3 === 0 && m / 3 < unanswered;
  const identities = Array.from({ length: count }, (_, m) =>
    identity(m, risky(m) ? Math.floor(m / 3 / ACCOUNTS_PER_MESSAGE) : undefined),
  );
  const scanAt = new Date(now.getTime() - SPREAD_DAYS * DAY - DAY);
  const scanId = await store.scans.startScan("servicenow", scanAt);
  await store.scans.saveScanResult({
    scanId,
    inventory: {
      source: "servicenow",
      collectedAt: scanAt,
      identities,
      blindSpots: [],
      coverage: {},
      requests: 0,
    },
    findings: new Map(identities.filter((_, m) => risky(m)).map((i) => [i.id, [dormant]])),
    score: computeScore([]),
    finishedAt: scanAt,
  });
  return seedMessages(
    store,
    identities.filter((_, m) => risky(m)),
    now,
  );
}

async function seedMessages(store: Store, risky: MachineIdentity[], now: Date): Promise<number> {
  let messages = 0;
  for (let first = 0; first < risky.length; first += ACCOUNTS_PER_MESSAGE) {
    const shown = risky.slice(first, first + ACCOUNTS_PER_MESSAGE);
    const owner = shown[0]?.owner;
    if (!owner?.email) continue;
    const accounts: OwnerAccountView[] = [];
    for (const account of shown) {
      const view = await buildAccountView(store, account.source, account.id);
      if (view) accounts.push(view);
    }
    // Spread over the days and the hours of a day, as daily message runs to many owners leave them.
    const sentAt = new Date(now.getTime() - (messages % SPREAD_DAYS) * DAY - ((messages * 7919) % DAY));
    await store.transaction(async (tx) => {
      const id = await tx.outbox.enqueue({
        platform: "slack",
        recipient: owner.email ?? "",
        dedupeKey: `bench:owner:${first}`,
        message: { kind: "owner_message", view: { owner: { ...owner, email: owner.email ?? "" }, accounts } },
        now: sentAt,
      });
      if (id === undefined) return;
      await tx.outbox.setOutboxStatus(id, "pending", "sending");
      await tx.outbox.setOutboxStatus(id, "sending", "sent", {
        sentAt,
        ref: { platform: "slack", channel: `D${first}`, ts: `${Math.floor(sentAt.getTime() / 1000)}.000100` },
      });
      await tx.outbox.recordMessageAccounts(
        id,
        accounts.map((a) => ({ source: a.source, accountId: a.accountId, rules: ["dormant"] })),
      );
    });
    messages += 1;
  }
  return messages;
}

async function timePass(store: Store, now: Date): Promise<PassTiming> {
  // https://nodejs.org/api/perf_hooks.html#perf_hooksmonitoreventloopdelayoptions (nanoseconds)
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const started = performance.now();
  const counts = await enqueueFollowUps(store, { now, adminChannels: { slack: "CADMIN" } });
  const ms = performance.now() - started;
  // One more turn, so a block at the very end of the pass is sampled too.
  await new Promise<void>((resolve) => setTimeout(resolve, 5));
  loop.disable();
  return { ms, longestBlockMs: loop.max / 1e6, ...counts };
}
