/**
 * `npm run bench:year` (or `npm run bench -- --days 365`): a year of daily scans of a churning
 * simulated instance, with daily owner messages and follow-ups through the outbox to a fake Slack
 * that enforces the tiers, retention on, and a weekly digest, on a simulated clock. Prints a line
 * per day and the year's figures: requests against the lower bound, wall, store, follow-up pass,
 * fan-out against the limits, peak RSS, and the database's size after week 1 and at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateInstance } from "../../sources/servicenow/simulator/generate-instance.js";
import { DEFAULT_CHURN } from "./churn-instance.js";
import { runYear, type YearDay } from "./run-year.js";

const { values } = parseArgs({
  options: {
    days: { type: "string", default: "365" },
    identities: { type: "string", default: "50000" },
    /** Default: four people per machine identity, as the day bench's 200,000 for 50,000. */
    users: { type: "string" },
    /** REST calls in 30 days; default 40 per machine identity. */
    transactions: { type: "string" },
    "page-size": { type: "string", default: "10000" },
    "retention-days": { type: "string", default: "400" },
    /** Time runs this much faster for the fake Slack's limits and warden's pacing. */
    "slack-scale": { type: "string", default: "100" },
    /** Scales every churn rate (1 = 0.2% of the accounts created and deleted a day…). */
    churn: { type: "string", default: "1" },
    seed: { type: "string", default: "1" },
    db: { type: "string" },
  },
});

const identities = Number(values.identities);
const days = Number(values.days);
const churnScale = Number(values.churn);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString("en-US")} KB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const users = Number(values.users ?? identities * 4);
  const transactions = Number(values.transactions ?? identities * 40);
  process.stdout.write(
    `A year at ${identities} identities: ${days} simulated days, ${users} users, ${transactions} REST calls in 30 days, retention ${values["retention-days"]} days, Slack time ×${values["slack-scale"]}…\n`,
  );
  const generated = performance.now();
  const data = generateInstance({
    seed: Number(values.seed),
    now: new Date(Date.UTC(2026, 0, 5)),
    scale: { users, machineIdentities: identities, transactions30d: transactions },
  });
  process.stdout.write(`Generated in ${s(performance.now() - generated)}.\n`);
  const dir = mkdtempSync(join(tmpdir(), "warden-year-"));
  const dbPath = values.db ?? join(dir, "warden.db");
  const started = performance.now();
  const churn = Object.fromEntries(
    Object.entries(DEFAULT_CHURN).map(([k, v]) => [k, v * churnScale]),
  ) as unknown as typeof DEFAULT_CHURN;
  try {
    const year = await runYear({
      data,
      days,
      dbPath,
      pageSize: Number(values["page-size"]),
      retentionDays: Number(values["retention-days"]),
      churn,
      slackScale: Number(values["slack-scale"]),
      seed: Number(values.seed),
      onDay: (d) => process.stdout.write(`${dayLine(d)}\n`),
    });
    process.stdout.write(`\n${summary(year, performance.now() - started).join("\n")}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (values.db) process.stdout.write(`The database is kept at ${values.db}.\n`);
  }
}

function dayLine(d: YearDay): string {
  const m = d.messages;
  return [
    `day ${String(d.day).padStart(3)}`,
    `${d.identities} ids`,
    `req ${d.requests}/${d.lowerBound} (${(d.requests / d.lowerBound).toFixed(2)}×)`,
    `scan ${s(d.scan.wallMs)} (collect ${s(d.scan.collectMs)}, assess ${s(d.scan.assessMs)}, store ${d.scan.storeMs} ms, prune ${d.scan.pruneMs} ms)`,
    `findings +${d.changes.opened} -${d.changes.resolved}`,
    `pruned ${d.pruned}`,
    `follow-ups ${Math.round(d.followUps.ms)} ms (${d.followUps.reminders} rem, ${d.followUps.escalations} esc)`,
    `msgs ${m.queued} queued ${m.sent} sent ${m.deferred} deferred in ${s(m.wallMs)} [lookup ${m.lookups}, open ${m.opens}, post ${m.posts}, update ${m.updates}, 429 ${m.rateLimited}, peak T3 ${m.peakTier3.toFixed(2)} posts ${m.peakPosts.toFixed(2)}]`,
    d.digestMs === undefined ? "" : `digest ${Math.round(d.digestMs)} ms`,
    `RSS ${mb(d.peakRss)}`,
    `db ${mb(d.dbBytes)}`,
  ]
    .filter(Boolean)
    .join(" | ");
}

function summary(year: readonly YearDay[], wallMs: number): string[] {
  const max = (f: (d: YearDay) => number) => Math.max(0, ...year.map(f));
  const median = (f: (d: YearDay) => number) => {
    const sorted = year.map(f).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const sum = (f: (d: YearDay) => number) => year.reduce((n, d) => n + f(d), 0);
  const week1 = year[Math.min(6, year.length - 1)];
  const last = year.at(-1);
  const lines = [
    `A year of warden (${year.length} days at ${year[0]?.identities ?? 0}–${max((d) => d.identities)} identities), wall ${s(wallMs)}:`,
    `  requests / lower bound      median ${median((d) => d.requests / d.lowerBound).toFixed(2)}×, worst ${max((d) => d.requests / d.lowerBound).toFixed(2)}× (target ≤ 1.2×)`,
    `  scan wall                   median ${s(median((d) => d.scan.wallMs))}, worst ${s(max((d) => d.scan.wallMs))} (collect median ${s(median((d) => d.scan.collectMs))}, assess ${s(median((d) => d.scan.assessMs))})`,
    `  store write                 median ${median((d) => d.scan.storeMs)} ms, worst ${max((d) => d.scan.storeMs)} ms; prune median ${median((d) => d.scan.pruneMs)} ms, worst ${max((d) => d.scan.pruneMs)} ms`,
    `  follow-up pass              median ${Math.round(median((d) => d.followUps.ms))} ms, worst ${Math.round(max((d) => d.followUps.ms))} ms (target < 2000 ms); ${sum((d) => d.followUps.reminders)} reminders, ${sum((d) => d.followUps.escalations)} escalations`,
    `  owner messages              ${sum((d) => d.messages.sent)} sent, ${sum((d) => d.messages.lookups)} lookups, ${sum((d) => d.messages.opens)} opens (after week 1: ${year.slice(7).reduce((n, d) => n + d.messages.lookups + d.messages.opens, 0)}), ${sum((d) => d.messages.rateLimited)} 429s; busiest window / limit: Tier 3 ${max((d) => d.messages.peakTier3).toFixed(2)}, posts ${max((d) => d.messages.peakPosts).toFixed(2)} (target ≤ 1)`,
    `  message run wall            median ${s(median((d) => d.messages.wallMs))}, worst ${s(max((d) => d.messages.wallMs))} (Slack time ×${values["slack-scale"]})`,
    `  peak RSS (warden + simulated instance, one process)  ${mb(max((d) => d.peakRss))}`,
  ];
  if (week1 && last) {
    lines.push(
      `  database size               after week 1 ${mb(week1.dbBytes)}, after day ${last.day} ${mb(last.dbBytes)}: ${(last.dbBytes / week1.dbBytes).toFixed(2)}× (target < 2×)`,
    );
  }
  const weekTables = week1?.breakdown;
  const lastTables = last?.breakdown;
  if (lastTables) {
    const before = new Map(weekTables?.tables.map((t) => [t.table, t]) ?? []);
    lines.push(`  where the bytes are (table + its indexes; after week 1 → after day ${last?.day}):`);
    for (const t of lastTables.tables) {
      const w = before.get(t.table);
      if (t.tableBytes + t.indexBytes < 16 * 1024) continue;
      lines.push(
        `    ${t.table.padEnd(22)} ${w ? `${kb(w.tableBytes + w.indexBytes)} (${w.rows} rows) → ` : ""}${kb(t.tableBytes + t.indexBytes)} (${t.rows} rows; indexes ${kb(t.indexBytes)}; unused ${kb(t.unusedBytes)})`,
      );
    }
    lines.push(
      `    free pages             ${weekTables ? `${kb(weekTables.freeBytes)} → ` : ""}${kb(lastTables.freeBytes)}`,
      `    WAL                    ${week1 ? `${kb(week1.walBytes)} → ` : ""}${kb(last?.walBytes ?? 0)}`,
    );
    const kinds = new Map(weekTables?.outboxKinds.map((k) => [k.kind, k]) ?? []);
    lines.push("  outbox payloads by kind (stored bytes):");
    for (const k of lastTables.outboxKinds) {
      const w = kinds.get(k.kind);
      lines.push(
        `    ${k.kind.padEnd(22)} ${w ? `${kb(w.payloadBytes)} (${w.rows}) → ` : ""}${kb(k.payloadBytes)} (${k.rows})`,
      );
    }
  }
  return lines;
}

await main();
