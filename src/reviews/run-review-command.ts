import { configuredChats } from "../app/chat-targets.js";
import type { Warden } from "../app/open-warden.js";
import { UsageError } from "../errors.js";
import { plural } from "../messages/rule-text.js";
import { type ReviewProgress, reviewProgress, selectCampaigns } from "./build-review-status.js";
import { REVIEW_DAYS, startReview } from "./start-review.js";
import { REVIEW_REPORT_FORMATS, type ReviewReportFormat, writeReviewReport } from "./write-review-report.js";

export interface ReviewCommandOptions {
  source?: string | undefined;
  days?: string | undefined;
  format?: string | undefined;
  campaign?: string | undefined;
  json?: boolean | undefined;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

function wholeNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${name} takes a whole number, not "${raw}".`);
  }
  return value;
}

/** "#3 (every source, due 2026-12-16, open): 40 accounts: 12 certified, 2 disabled, 1 reassigned, 25 pending". */
export function describeProgress(progress: ReviewProgress): string {
  const { campaign, counts } = progress;
  const state = campaign.closedAt ? `closed ${day(campaign.closedAt)}` : "open";
  const overdue = progress.overdue > 0 ? `, ${progress.overdue} overdue` : "";
  return `Access review #${campaign.id} (${campaign.source ?? "every source"}, started ${day(campaign.startedAt)}, due ${day(campaign.dueAt)}, ${state}, REVIEW_DEFAULT=${campaign.defaultDecision}): ${plural(progress.total, "account")}: ${counts.certified} certified, ${counts.disabled} disabled, ${counts.reassigned} reassigned, ${counts.pending} pending${overdue}.`;
}

/**
 * `warden review start|status|report`. Start opens a campaign and, with a chat platform
 * configured, sends every owner their review message at once (and the admin channel the accounts
 * nobody owns); status prints each campaign's progress by owner; report writes the auditor's
 * evidence (every account, its reviewer, answer, reason, time and findings).
 */
export async function runReviewCommand(
  warden: Warden,
  subcommand: string | undefined,
  options: ReviewCommandOptions,
  io: { print(text: string): void; say(text: string): void; write(chunk: string): void },
): Promise<number> {
  const now = warden.now();
  switch (subcommand) {
    case "start": {
      const started = await startReview(warden.store, {
        source: options.source,
        days: wholeNumber("--days", options.days) ?? warden.config.reviews.days,
        now,
        startedBy: "cli",
        defaultDecision: warden.config.reviews.defaultDecision,
      });
      io.print(
        `Access review #${started.campaign.id} started: ${plural(started.accounts, "active machine identity", "active machine identities")} of ${plural(started.owners, "owner")} (${started.unowned} with no reachable owner, for the admins to assign), due ${day(started.campaign.dueAt)}.`,
      );
      if (configuredChats(warden.config).length === 0) {
        io.say(
          "No chat platform is configured, so nobody was asked: set SLACK_BOT_TOKEN or TEAMS_APP_ID, then `warden serve` (or `warden notify`) sends the review messages.",
        );
        return 0;
      }
      const { sendReviewMessages } = await import("../app/send-review-messages.js");
      const sent = await sendReviewMessages(warden);
      io.print(
        `Review messages: ${sent.queued} to owners, ${sent.unowned > 0 ? `${sent.unowned} unowned accounts to the admin channel, ` : ""}${sent.sent} sent, ${sent.failed} failed, ${sent.retrying} waiting to be retried.`,
      );
      return sent.failed > 0 ? 1 : 0;
    }
    case "status": {
      const campaigns = await selectCampaigns(warden.store, wholeNumber("--campaign", options.campaign));
      if (campaigns.length === 0) {
        io.say("warden: no access review has been started: `warden review start` opens one.");
        return 1;
      }
      const progress = await Promise.all(campaigns.map((c) => reviewProgress(warden.store, c, now)));
      if (options.json) {
        io.print(JSON.stringify(progress, null, 2));
        return 0;
      }
      const lines: string[] = [];
      for (const p of progress) {
        lines.push(describeProgress(p));
        for (const owner of p.owners) {
          const c = owner.counts;
          lines.push(
            `  ${owner.ownerEmail ?? "(no reachable owner: assign one in the admin channel)"}: ${owner.total} — ${c.certified} certified, ${c.disabled} disabled, ${c.reassigned} reassigned, ${c.pending} pending${p.overdue > 0 && c.pending > 0 ? " (overdue)" : ""}`,
          );
        }
      }
      io.print(lines.join("\n"));
      return 0;
    }
    case "report": {
      const format = (options.format ?? "md") as ReviewReportFormat;
      if (!REVIEW_REPORT_FORMATS.includes(format)) {
        throw new UsageError(`--format takes ${REVIEW_REPORT_FORMATS.join(", ")}, not "${options.format}".`);
      }
      const [campaign] = await selectCampaigns(warden.store, wholeNumber("--campaign", options.campaign));
      if (!campaign) {
        io.say("warden: no access review has been started: `warden review start` opens one.");
        return 1;
      }
      const summary = describeProgress(await reviewProgress(warden.store, campaign, now));
      await writeReviewReport(warden.store, campaign, format, { write: io.write }, summary);
      return 0;
    }
    default:
      throw new UsageError(
        `warden review takes start, status or report${subcommand ? `, not "${subcommand}"` : ""}. Run \`warden review --help\`.`,
      );
  }
}

export { REVIEW_DAYS };
