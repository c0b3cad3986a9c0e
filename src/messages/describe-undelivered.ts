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
  alert: "alert",
  review_request: "access review message",
  review_follow_up: "access review reminder or escalation",
};

const PLATFORM_WORDS: Readonly<Record<string, string>> = { slack: "Slack", teams: "Teams" };

/** "owner message", "digest", …: what kind of message it was, in words. */
export function describeMessageKind(kind: OutboxKind): string {
  return KIND_WORDS[kind] ?? kind;
}

/**
 * One undelivered message as plain text (renderers escape it), its state first so that a cut
 * line still says it: "Still retried: Slack owner message to ann@example.com, first failed
 * 2026-11-23 02:00 UTC: no Slack user with the email …".
 */
export function describeUndelivered(line: DigestUndeliveredLine): string {
  const platform = PLATFORM_WORDS[line.platform] ?? line.platform;
  const state = line.retrying ? "Still retried" : "Refused, not retried";
  return `${state}: ${platform} ${describeMessageKind(line.kind)} to ${line.recipient}, first failed ${formatTime(line.since)}: ${line.lastError}`;
}
