import { formatTime } from "./format-text.js";
import { truncateText } from "./truncate-text.js";

/** What the admin-channel post after a "Not mine" records: who disowned the account, when, and whose it was. */
export interface DisownedView {
  disowned?:
    | {
        /** The clicker: email, or chat user id when the platform gave no email. */
        by: string;
        at: Date;
        /** The owner of record when they clicked, undefined when there was none. */
        ownerOfRecord?: { name: string | undefined; email: string | undefined } | undefined;
        /** "source": from the source's owner reference; "assigned": assigned in chat by `assignedBy`. */
        ownerFrom?: "source" | "assigned" | undefined;
        assignedBy?: string | undefined;
        source?: string | undefined;
      }
    | undefined;
}

/**
 * The plain-text notice on top of a "Not mine" post (the renderers escape it): "Not mine:
 * raj.patel@acme.example said at 2026-11-23 02:00 UTC this account is not theirs. Owner of record:
 * Raj Patel <raj.patel@acme.example> (from servicenow). Assign its owner below." Undefined otherwise.
 */
export function describeDisowned(view: DisownedView): string | undefined {
  const d = view.disowned;
  if (!d) return undefined;
  const owner = d.ownerOfRecord;
  const name = owner?.name ? truncateText(owner.name, 200) : undefined;
  const email = owner?.email ? truncateText(owner.email, 120) : undefined;
  const who = name && email && name !== email ? `${name} <${email}>` : (email ?? name);
  const from =
    d.ownerFrom === "assigned"
      ? ` (assigned in chat${d.assignedBy ? ` by ${truncateText(d.assignedBy, 120)}` : ""})`
      : d.source
        ? ` (from ${truncateText(d.source, 40)})`
        : "";
  const record = who ? `Owner of record: ${who}${from}.` : "It had no owner of record.";
  return `Not mine: ${truncateText(d.by, 120)} said at ${formatTime(new Date(d.at))} that this account is not theirs. ${record} Assign its owner below.`;
}
