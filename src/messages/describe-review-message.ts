import type { DigestReviewLine } from "./build-digest.js";
import type { ReviewMessageView } from "./review-message-view.js";
import { dayOf, plainRichText, type RichText } from "./rich-text.js";
import { plural } from "./rule-text.js";
import { truncateText } from "./truncate-text.js";

/** The title of every access review message. */
export const REVIEW_TITLE = "Access review: are these still needed?";

/**
 * The opening of an owner's access review message, as parts (the due date in the reader's own
 * time zone): what is asked, by when, and what happens on silence.
 */
export function describeReviewIntroParts(message: ReviewMessageView): RichText {
  const count = message.accounts.length;
  const { campaign } = message;
  const silence =
    campaign.defaultDecision === "disable"
      ? [
          "An account not answered by then is disabled (REVIEW_DEFAULT=disable); you are told two days before.",
        ]
      : ["Unanswered accounts go to the admins after the due date."];
  return [
    `Hi ${truncateText(message.owner.name, 100)}, access review #${campaign.id} asks you to confirm each of your ${plural(count, "machine identity", "machine identities")}, risky or not, by `,
    dayOf(campaign.dueAt),
    ": Still needed… (say what uses it), Disable, or Not mine. ",
    ...silence,
  ];
}

/** The same opening as one plain string (terminal, notification text). */
export function describeReviewIntro(message: ReviewMessageView): string {
  return plainRichText(describeReviewIntroParts(message));
}

/** "Certified by carol@acme.example on 2026-09-02: nightly CMDB import", as parts. */
export function describeCertifiedParts(certified: { by: string; at: Date; reason: string }): RichText {
  return [
    `Last certified by ${truncateText(certified.by, 100)} on `,
    dayOf(certified.at),
    `: ${truncateText(certified.reason, 200)}`,
  ];
}

/**
 * "Access review #3 (every source, due 2026-12-16): 40 of 52 answered: 35 certified, 3 disabled,
 * 2 reassigned; 12 pending (5 overdue)", as parts (the due date in each reader's time zone).
 */
export function describeReviewProgressParts(line: DigestReviewLine): RichText {
  const answered = line.certified + line.disabled + line.reassigned;
  const overdue = line.overdue > 0 ? ` (${line.overdue} overdue)` : "";
  return [
    `Access review #${line.id} (${line.source ?? "every source"}, due `,
    dayOf(line.dueAt),
    `): ${answered} of ${line.total} answered: ${line.certified} certified, ${line.disabled} disabled, ${line.reassigned} reassigned; ${line.pending} pending${overdue}`,
  ];
}
