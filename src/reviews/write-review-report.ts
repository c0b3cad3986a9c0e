import { csvRow } from "../audit/csv.js";
import type { ReviewCampaign, ReviewReportRow } from "../store/reviews.js";
import type { Repositories } from "../store/store.js";
import { yieldToLoop } from "../yield-to-loop.js";

export type ReviewReportFormat = "csv" | "json" | "md";
export const REVIEW_REPORT_FORMATS: readonly ReviewReportFormat[] = ["md", "csv", "json"];

/** Rows read per page: a campaign of 50,000 accounts is written without holding it in memory. */
const PAGE = 1000;

const COLUMNS = [
  "campaign",
  "source",
  "account_id",
  "user_name",
  "name",
  "owner",
  "status",
  "reviewer",
  "reason",
  "decided_at",
  "decision_id",
  "outcome",
  "ticket",
  "findings",
] as const;

const iso = (date: Date | undefined) => date?.toISOString() ?? "";

function fields(row: ReviewReportRow): Record<(typeof COLUMNS)[number], string | number> {
  return {
    campaign: row.campaignId,
    source: row.source,
    account_id: row.accountId,
    user_name: row.userName,
    name: row.name,
    owner: row.ownerEmail ?? "",
    status: row.status,
    reviewer: row.reviewer ?? "",
    reason: row.reason ?? "",
    decided_at: iso(row.decidedAt),
    decision_id: row.decisionId ?? "",
    outcome: row.outcome ?? "",
    ticket: row.ticket ?? "",
    findings: row.findings.join(" "),
  };
}

/** A Markdown table cell: data is text, so pipes, backslashes and line breaks cannot break the table. */
const mdCell = (value: string | number) =>
  String(value)
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[\r\n]+/g, " ")
    .replace(/([*_`[\]<>#])/g, "\\$1");

/**
 * `warden review report`: every account of the campaign with who was asked, its answer (status),
 * who gave it, why, when, the decision that recorded it (its id is in the audit log's
 * `decision.*` entries) and the rules of its findings when it was answered (or at the start, for
 * an account never answered). Read from the database a page at a time, so it can be produced again.
 * CSV cells are neutralised against spreadsheet formulas; JSON is one object per line.
 */
export async function writeReviewReport(
  store: Pick<Repositories, "reviews">,
  campaign: ReviewCampaign,
  format: ReviewReportFormat,
  out: { write(chunk: string): unknown },
  summary: string,
): Promise<number> {
  if (format === "csv") out.write(csvRow(COLUMNS));
  if (format === "md") {
    out.write(`# Access review #${campaign.id}\n\n${summary}\n\n`);
    out.write(`| ${COLUMNS.join(" | ")} |\n|${COLUMNS.map(() => " --- ").join("|")}|\n`);
  }
  let count = 0;
  let after: { source: string; accountId: string } | undefined;
  for (;;) {
    const page = await store.reviews.listReviewReportPage(campaign.id, { after, limit: PAGE });
    if (page.length === 0) break;
    const last = page.at(-1);
    after = last && { source: last.source, accountId: last.accountId };
    for (const row of page) {
      const f = fields(row);
      if (format === "csv") out.write(csvRow(COLUMNS.map((c) => f[c])));
      else if (format === "json")
        out.write(
          `${JSON.stringify({ ...f, findings: row.findings, decision_id: row.decisionId ?? null })}\n`,
        );
      else out.write(`| ${COLUMNS.map((c) => mdCell(f[c])).join(" | ")} |\n`);
      count += 1;
    }
    await yieldToLoop();
  }
  return count;
}
