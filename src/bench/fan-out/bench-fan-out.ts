import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_SLACK_PACING } from "../../chat-pacing/slack-pacing.js";
import { SLACK_TIER_LIMITS } from "../fake-slack/slack-tier-gate.js";
import { type FanOutWeek, startFanOut } from "./run-fan-out.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ratio = (r: number) => r.toFixed(2);

/**
 * The bench's fan-out phase: a weekly message run to `owners` owners through warden's outbox and
 * Slack sender, over HTTP, against the fake Slack Web API enforcing Slack's tiers (429 with
 * Retry-After past a limit). Week 1 finds every owner (users.lookupByEmail, conversations.open: Tier
 * 3, ~50 a minute each, so about 20 minutes at Slack's limits): it runs with time sped up by
 * `week1Scale` (the fake's windows and warden's pacing alike), its wall time scaled back. Week 2
 * runs in real time against Slack's limits: cached DM channels, so posts only. Returns the lines to print.
 */
export async function benchFanOut(options: { owners: number; week1Scale: number }): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "warden-bench-fan-out-"));
  const run = await startFanOut({
    owners: options.owners,
    limits: SLACK_TIER_LIMITS,
    pacing: DEFAULT_SLACK_PACING,
    dbPath: join(dir, "warden.db"),
    start: new Date("2026-01-05T08:00:00Z"),
  });
  try {
    const first = await run.runWeek(0, options.week1Scale);
    const second = await run.runWeek(1, 1);
    const limits = SLACK_TIER_LIMITS;
    const describe = (week: FanOutWeek) =>
      `lookups ${week.calls["users.lookupByEmail"]}, opens ${week.calls["conversations.open"]}, posts ${week.calls["chat.postMessage"]}, updates ${week.calls["chat.update"]}; 429s ${week.rateLimited}; sent ${week.result.sent}, failed ${week.result.failed}`;
    const update = DEFAULT_SLACK_PACING.chatUpdate;
    const trailMin = (second.result.deferred / update.count) * ((update.windowMs * 1.1) / 60_000);
    return [
      `fan-out to ${options.owners} owners: fake Slack enforcing Tier 3 ${limits.tier3.count}/min per method, chat.postMessage ${limits.postPerChannel.count} per ${limits.postPerChannel.windowMs / 1000} s per channel and ${limits.postPerWorkspace.count}/min per workspace (assumed: unpublished)`,
      `  week 1 (time ×${options.week1Scale}): ${describe(first)}`,
      `    wall ${seconds(first.wallMs)} (≈ ${((first.wallMs * options.week1Scale) / 60_000).toFixed(1)} min at Slack's limits); busiest window / limit: Tier 3 ${ratio(first.peak.tier3)}, posts ${ratio(first.peak.postWorkspace)}`,
      `  week 2 (real time): ${describe(second)}`,
      `    every owner reached in ${seconds(second.postsDoneMs)}, run ${seconds(second.wallMs)} (target < 180 s, no lookups, no opens); busiest window / limit: posts ${ratio(second.peak.postWorkspace)}, chat.update ${ratio(second.peak.chatUpdate)}`,
      `    last week's messages superseded: ${second.calls["chat.update"]} updated in the run, ${second.result.deferred} put back for their chat.update slots (≈ ${trailMin.toFixed(0)} min at ${update.count}/min, sent by serve's retry timer)`,
    ];
  } finally {
    await run.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
