import type { NotifyPreview, PreviewMessage } from "../../app/preview-notify.js";
import type { RuleName } from "../../core/model.js";
import { plural, RULE_TITLES } from "../../messages/rule-text.js";

const PLATFORM_NAMES = { slack: "Slack", teams: "Microsoft Teams" } as const;

/** Accounts listed per message before "… and N more". */
const ACCOUNTS_SHOWN = 10;

function ruleTitle(rule: string): string {
  return RULE_TITLES[rule as RuleName] ?? rule;
}

function renderMessage(message: PreviewMessage): string[] {
  const who = message.recipientName ? `${message.recipientName} <${message.recipient}>` : message.recipient;
  const out = [`  → ${who}: ${message.detail}`];
  if (message.queuedEarlier) {
    out.push(
      `      queued by an earlier run, not sent yet${message.lastError ? ` (last error: ${message.lastError})` : ""}`,
    );
  }
  for (const account of message.accounts.slice(0, ACCOUNTS_SHOWN)) {
    // An access review follow-up names accounts without findings: it asks whether they are still needed.
    const rules = account.rules.length > 0 ? `: ${account.rules.map(ruleTitle).join(", ")}` : "";
    out.push(`      • ${account.userName} (${account.name})${rules}`);
  }
  if (message.accounts.length > ACCOUNTS_SHOWN) {
    out.push(`      … and ${message.accounts.length - ACCOUNTS_SHOWN} more`);
  }
  return out;
}

/** `warden notify --preview` as text: per platform, each recipient, how they would be reached, and what. */
export function renderNotifyPreviewText(preview: NotifyPreview): string {
  const out = ["Preview of `warden notify`: nothing was sent and nothing was written."];
  for (const platform of preview.platforms) {
    out.push(
      "",
      `${PLATFORM_NAMES[platform.platform]} (admin channel: ${platform.adminChannel ?? "none set"}):`,
    );
    if (platform.messages.length === 0) out.push("  nothing to send");
    for (const message of platform.messages) out.push(...renderMessage(message));
    const owners = platform.messages.filter((m) => m.kind === "owner_message");
    const count = (route: PreviewMessage["route"]) => owners.filter((m) => m.route === route).length;
    out.push(
      `  ${plural(owners.length, "owner message", "owner messages")}: ${count("direct")} direct, ${count("rerouted")} rerouted to the admin channel, ${count("not-looked-up")} not yet looked up, ${count("unreachable")} would fail; ${plural(platform.messages.length - owners.length, "other message", "other messages")}.`,
    );
    if (platform.upToDate > 0) {
      out.push(
        `  ${plural(platform.upToDate, "owner already has", "owners already have")} this content (sent or rerouted before): not sent again.`,
      );
    }
  }
  return out.join("\n");
}
