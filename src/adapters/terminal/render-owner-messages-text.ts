import { buttonsFor, recommendedActionOf } from "../../actions/action-registry.js";
import { adviceLinkFor } from "../../messages/advice-link-for.js";
import type { OwnerAccountView, OwnerMessages } from "../../messages/build-owner-messages.js";
import { usageOf } from "../../messages/describe-usage.js";
import { plural, REMEDIATION_TEXT, RULE_TITLES } from "../../messages/rule-text.js";

function renderAccount(account: OwnerAccountView): string[] {
  const where = account.sourceTitle ? ` [${account.sourceTitle}]` : "";
  const out = [`  • ${account.userName} (${account.name})${where}`];
  for (const finding of account.findings) {
    out.push(`      ${RULE_TITLES[finding.rule]} [${finding.severity}]: ${finding.summary}`);
    for (const evidence of finding.evidence) out.push(`        evidence: ${evidence.detail}`);
    out.push(`        recommended: ${REMEDIATION_TEXT[finding.remediation]}`);
  }
  for (const fact of usageOf(account)) out.push(`      ${fact.label}: ${fact.value}`);
  const advice = adviceLinkFor(account);
  if (advice) out.push(`      ${advice.title}: ${advice.url}`);
  // The recommended fix is marked, as chat shows it as the primary button.
  const recommended = recommendedActionOf(account);
  const buttons = buttonsFor(account).map((a) =>
    a.kind === recommended ? `[${a.title} (recommended)]` : `[${a.title}]`,
  );
  out.push(`      ${buttons.join(" ")}`);
  return out;
}

/** The direct messages owners would get, and the admin-channel list of unowned accounts, as text. */
export function renderOwnerMessagesText(
  owners: OwnerMessages,
  options: { accountsPerOwner?: number } = {},
): string {
  const limit = options.accountsPerOwner ?? 10;
  const out: string[] = [];
  for (const message of owners.messages) {
    out.push("", `── To ${message.owner.name} <${message.owner.email}> ──`);
    const count = plural(message.accounts.length, "machine identity", "machine identities");
    out.push(`You own ${count} that ${message.accounts.length === 1 ? "needs" : "need"} attention:`);
    for (const account of message.accounts.slice(0, limit)) out.push(...renderAccount(account));
    if (message.accounts.length > limit)
      out.push(`  … and ${message.accounts.length - limit} more (warden lookup <account>)`);
  }
  if (owners.unowned.length > 0) {
    out.push(
      "",
      `── To the admin channel: ${owners.unowned.length} risky account(s) with no reachable owner ──`,
    );
    for (const account of owners.unowned.slice(0, limit)) out.push(...renderAccount(account));
    if (owners.unowned.length > limit) out.push(`  … and ${owners.unowned.length - limit} more`);
  }
  if (out.length === 0) out.push("No owner has a risky account: nothing to send.");
  return out.join("\n");
}
