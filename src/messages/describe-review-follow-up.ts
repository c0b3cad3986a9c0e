import type { ReviewFollowUpView } from "./review-follow-up-view.js";
import { dayOf, person, plainRichText, type RichText } from "./rich-text.js";
import { plural } from "./rule-text.js";
import { truncateText } from "./truncate-text.js";

const identities = (n: number) => plural(n, "machine identity", "machine identities");

/** What the default does to the accounts whose owners were warned, in WARDEN_MODE's terms. */
function describeDefault(n: number, mode: ReviewFollowUpView["mode"]): string {
  const whose = `the ${n} whose owners were warned two days before (REVIEW_DEFAULT=disable)`;
  if (mode === "dry-run") return `warden records a Disable of ${whose}; WARDEN_MODE=dry-run writes nothing.`;
  if (mode === "ticket") return `warden opens a ticket to disable each of ${whose}.`;
  return `warden disables ${whose}.`;
}

/**
 * The words of an access review's reminder, warning or escalation, shared by every chat platform:
 * the headline as parts (the due date in the reader's time zone; owners mentioned in an
 * escalation where their chat user is known), the lines it lists (as parts), the hint, and the
 * headline as plain text (notification previews, the terminal).
 */
export function describeReviewFollowUp(view: ReviewFollowUpView): {
  headline: string;
  headlineParts: RichText;
  lines: RichText[];
  hint: string;
} {
  const { campaign } = view;
  const due = dayOf(campaign.dueAt);
  const total = view.owners.reduce((n, o) => n + o.total, 0);
  if (view.stage !== "escalation") {
    const owner = view.owners[0];
    const listed = owner?.accounts ?? [];
    const lines: RichText[] = listed.map((a) => [
      `${truncateText(a.userName, 100)} (${truncateText(a.name, 100)})`,
    ]);
    const more = (owner?.total ?? 0) - listed.length;
    if (more > 0) lines.push([`… and ${more} more`]);
    const n = owner?.total ?? 0;
    const headlineParts: RichText =
      view.stage === "reminder"
        ? [
            `Reminder: access review #${campaign.id} still waits for your answer about ${identities(n)}, due `,
            due,
            campaign.defaultDecision === "disable"
              ? ". Accounts not answered by then are disabled (REVIEW_DEFAULT=disable)."
              : ".",
          ]
        : [
            `Access review #${campaign.id} is due `,
            due,
            `: ${n === 1 ? "this machine identity" : `these ${n} machine identities`} will be disabled then unless you answer (REVIEW_DEFAULT=disable).`,
          ];
    const hint =
      view.stage === "reminder"
        ? "Use the buttons in the review message above."
        : "Use the buttons in the review message above: Still needed… keeps an account.";
    return { headline: plainRichText(headlineParts), headlineParts, lines, hint };
  }
  const disabling = view.owners.reduce((n, o) => n + (o.disabling ?? 0), 0);
  const headlineParts: RichText = [
    `Escalation: access review #${campaign.id} was due `,
    due,
    ` and ${identities(total)} of ${plural(view.totalOwners, "owner")} ${total === 1 ? "was" : "were"} not answered.`,
    disabling > 0 ? ` ${describeDefault(disabling, view.mode)}` : "",
  ];
  const lines: RichText[] = view.owners.map((owner) => {
    const names = owner.accounts.map((a) => truncateText(a.userName, 100));
    const more = owner.total - names.length;
    const who = owner.email
      ? person({ display: owner.email, platform: owner.ref?.platform, id: owner.ref?.id })
      : "No reachable owner (assign one)";
    return [
      who,
      ` (${owner.total}): ${names.join(", ")}${more > 0 ? `, … and ${more} more` : ""}`,
      owner.disabling ? ` (${owner.disabling} disabled by the review default)` : "",
    ];
  });
  const unlisted = view.totalOwners - view.owners.length;
  if (unlisted > 0) lines.push([`… and ${plural(unlisted, "more owner", "more owners")}`]);
  const hint = `The review is closed: \`warden review report --campaign ${campaign.id}\` has every account, its answer and who gave it.`;
  return { headline: plainRichText(headlineParts), headlineParts, lines, hint };
}
