/**
 * `node dist/bench/measure-store-write.js --from DB`: the scan's store write alone, timed three
 * times into a fresh database with the accounts and open findings of a kept bench database
 * (`npm run bench -- --db DB`): the first scan (every row new), an unchanged re-scan, and a re-scan
 * where most snapshots changed (every active account's 30-day counts move on a real day). Each
 * write runs as a serving process runs it (storeScanResult, in batches), with the longest
 * event-loop block measured while it runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { computeScore } from "../core/compute-score.js";
import type { Finding, MachineIdentity } from "../core/model.js";
import { storeScanResult } from "../scan/store-scan-result.js";
import { identityFromJson } from "../store/accounts.js";
import { createSqliteStore } from "../store/create-sqlite-store.js";
import { openDatabase } from "../store/open-database.js";
import type { Store } from "../store/store.js";

export interface WriteTiming {
  label: string;
  writeMs: number;
  checkpointMs: number;
  longestBlockMs: number;
}

/** The accounts and open findings of a database written by a scan (any schema version this warden reads). */
function readScanned(path: string): { identities: MachineIdentity[]; findings: Map<string, Finding[]> } {
  const db = new Database(path, { readonly: true });
  try {
    const hasSnapshots =
      db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'account_snapshots'").get() !== undefined;
    const rows = db
      .prepare(
        hasSnapshots
          ? "SELECT snapshot FROM account_snapshots ORDER BY source, account_id"
          : "SELECT snapshot FROM accounts ORDER BY source, id",
      )
      .pluck()
      .all() as string[];
    const identities = rows.map(identityFromJson);
    const findings = new Map<string, Finding[]>();
    for (const row of db
      .prepare(
        "SELECT account_id, rule, severity, summary, evidence, remediation FROM findings WHERE resolved_at IS NULL",
      )
      .all() as Record<string, string>[]) {
      const list = findings.get(row.account_id as string) ?? [];
      list.push({
        rule: row.rule,
        severity: row.severity,
        summary: row.summary,
        remediation: row.remediation,
        evidence: JSON.parse(row.evidence as string),
      } as Finding);
      findings.set(row.account_id as string, list);
    }
    return { identities, findings };
  } finally {
    db.close();
  }
}

/** A fresh, empty store to write into, and how to remove it afterwards. */
export interface StoreTarget {
  open(): Promise<{ store: Store; remove(): Promise<void> }>;
}

/** A new SQLite file in a temporary directory. */
export const SQLITE_TARGET: StoreTarget = {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), "warden-store-write-"));
    const path = join(dir, "warden.db");
    const store = createSqliteStore(openDatabase(path), { location: path });
    return {
      store,
      remove: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export async function measureStoreWrite(
  from: string,
  changedShare = 0.9,
  target: StoreTarget = SQLITE_TARGET,
): Promise<WriteTiming[]> {
  const { identities, findings } = readScanned(from);
  const { store, remove } = await target.open();
  const score = computeScore(
    identities.map((i) => ({ disabled: !i.active, rules: (findings.get(i.id) ?? []).map((f) => f.rule) })),
  );
  const timings: WriteTiming[] = [];
  try {
    let day = Date.parse("2026-12-01T06:00:00Z");
    const write = async (label: string, list: MachineIdentity[]) => {
      day += 86_400_000;
      const at = new Date(day);
      const claim = await store.scans.claimScan(list[0]?.source ?? "servicenow", at);
      if (claim.id === undefined) throw new Error("a scan is running");
      const inventory = {
        source: list[0]?.source ?? "servicenow",
        collectedAt: at,
        identities: list,
        blindSpots: [],
        coverage: {},
        requests: 0,
      };
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      let last = performance.now();
      const gaps: string[] = [];
      const { writeMs, checkpointMs } = await storeScanResult(
        store,
        { scanId: claim.id, inventory, findings, score, finishedAt: at },
        {
          betweenBatches: async (written) => {
            const now = performance.now();
            if (now - last > 30) gaps.push(`${Math.round(now - last)} ms before ${JSON.stringify(written)}`);
            last = now;
          },
        },
      );
      if (process.env.GAPS) process.stdout.write(`${gaps.join("\n")}\n`);
      histogram.disable();
      timings.push({ label, writeMs, checkpointMs, longestBlockMs: histogram.max / 1e6 });
    };
    await write("first scan (all new)", identities);
    await write("unchanged re-scan", identities);
    const changed = identities.map((identity, n) =>
      n % 10 < changedShare * 10 ? { ...identity, apiCalls30d: identity.apiCalls30d + 1 } : identity,
    );
    await write(`re-scan, ${Math.round(changedShare * 100)}% of snapshots changed`, changed);
    await write("unchanged re-scan again", changed);
  } finally {
    await remove();
  }
  return timings;
}

if (process.argv[1]?.endsWith("measure-store-write.js")) {
  const { values } = parseArgs({ options: { from: { type: "string" }, changed: { type: "string" } } });
  if (!values.from) throw new Error("--from DB: a database kept by npm run bench -- --db DB");
  for (const t of await measureStoreWrite(values.from, Number(values.changed ?? 0.9))) {
    process.stdout.write(
      `${t.label.padEnd(40)} write ${Math.round(t.writeMs)} ms, checkpoint ${Math.round(t.checkpointMs)} ms, longest block ${t.longestBlockMs.toFixed(1)} ms\n`,
    );
  }
}
