import type { OutboxKind } from "../store/outbox.js";
import type { DigestUndeliveredLine } from "./build-digest.js";
import { formatTime } from "./format-text.js";

const KIND_WORDS: Readonly<Record<OutboxKind, string>> = {
  owner_message: "owner message",
  unowned: "admin list of accounts to assign",
  digest: "digest",
  reminder: "reminder",
  escalation: "escalation",
  not_mine: '"Not mine" notice',
  message_update: "message update",
};

const PLATFORM_WORDS: Readonly<Record<string, string>> = { slack: "Slack", teams: "Teams" };

/** "owner message", "digest", …: what kind of message it was, in words. */
export function describeMessageKind(kind: OutboxKind): string {
  return KIND_WORDS[kind] ?? kind;
}

/**
 * One undelivered message as plain text (renderers escape it): "Slack owner message to
 * ann@example.com, failing since 2026-11-23 02:00 UTC: no Slack user with the email … (still
 * retried every 6 hours)".
 */
export function describeUndelivered(line: DigestUndeliveredLine): string {
  const platform = PLATFORM_WORDS[line.platform] ?? line.platform;
  const state = line.retrying ? "still retried" : "refused, not retried";
  return `${platform} ${describeMessageKind(line.kind)} to ${line.recipient}, failing since ${formatTime(line.since)}: ${line.lastError} (${state})`;
}
