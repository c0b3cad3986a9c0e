import type { WebClient } from "@slack/web-api";
import type { Config } from "../config/load-config.js";
import type { DoctorCheck } from "./doctor-types.js";

/** Bot token scopes warden needs (see the README's Slack setup). */
export const REQUIRED_SLACK_SCOPES = ["chat:write", "commands", "im:write", "users:read", "users:read.email"];

/** auth.test errors that mean the token itself is wrong. */
const BAD_TOKEN = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
]);

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

interface SlackFailure {
  code?: unknown;
  message?: unknown;
  data?: { error?: unknown; needed?: unknown } | undefined;
}

/** Slack's error string (`invalid_auth`, `channel_not_found`, …) or the transport message. */
function slackError(error: unknown): { error: string | undefined; text: string } {
  const failure = (error ?? {}) as SlackFailure;
  const code = typeof failure.data?.error === "string" ? failure.data.error : undefined;
  const text = code ?? (typeof failure.message === "string" ? failure.message : String(error));
  // A WebClient message can quote the request; keep the part before any token-looking text.
  return { error: code, text: text.replace(/xox[a-z]-[A-Za-z0-9-]+/g, "xox?-…") };
}

/**
 * The Slack half of `warden doctor`: the token (auth.test), its scopes (the x-oauth-scopes header
 * WebClient exposes as response_metadata.scopes), and the digest and admin channels
 * (conversations.info: exists, not archived, the bot is a member).
 */
export async function checkSlack(config: Config, slack: WebClient): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const add = (name: string, status: DoctorCheck["status"], detail: string) =>
    checks.push({ area: "slack", name, status, detail });

  let scopes: string[] | undefined;
  try {
    const auth = await slack.auth.test();
    scopes = auth.response_metadata?.scopes;
    add(
      "token",
      "pass",
      `SLACK_BOT_TOKEN is valid: bot ${auth.user ?? "?"} (${auth.user_id ?? "?"}) in workspace ${auth.team ?? "?"} (${auth.team_id ?? "?"}).`,
    );
  } catch (error) {
    const { error: code, text } = slackError(error);
    add(
      "token",
      "fail",
      code !== undefined && BAD_TOKEN.has(code)
        ? `auth.test refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page, or reinstall the app.`
        : `auth.test failed (${text}): check SLACK_API_URL (${config.slack.apiUrl}) and the network.`,
    );
    return checks;
  }

  if (scopes === undefined) {
    add(
      "scopes",
      "warn",
      `Slack did not report the token's scopes (no x-oauth-scopes header): check by hand that the bot has ${REQUIRED_SLACK_SCOPES.join(", ")}.`,
    );
  } else {
    const missing = REQUIRED_SLACK_SCOPES.filter((s) => !scopes.includes(s));
    add(
      "scopes",
      missing.length === 0 ? "pass" : "fail",
      missing.length === 0
        ? `Has ${REQUIRED_SLACK_SCOPES.join(", ")}.`
        : `Missing scope(s) ${missing.join(", ")}: add them under OAuth & Permissions, then reinstall the app.`,
    );
  }

  const channels: Array<[string, string, string | undefined]> = [
    ["digest channel", "SLACK_DIGEST_CHANNEL", config.slack.digestChannel],
    ["admin channel", "SLACK_ADMIN_CHANNEL", config.slack.adminChannel],
  ];
  for (const [name, variable, channel] of channels) {
    if (channel === undefined) {
      add(
        name,
        "warn",
        `${variable} is not set: ${name === "digest channel" ? "digests are not posted to Slack" : "unowned accounts, escalations, reassignments and immediate alerts have nowhere to go in Slack"}.`,
      );
      continue;
    }
    if (!CHANNEL_ID.test(channel)) {
      add(
        name,
        "warn",
        `${variable}="${channel}" is not a channel id (C… or G…): cannot check it. Use the id (channel details, bottom of the About tab).`,
      );
      continue;
    }
    checks.push(await checkChannel(slack, name, variable, channel));
  }
  return checks;
}

async function checkChannel(
  slack: WebClient,
  name: string,
  variable: string,
  channel: string,
): Promise<DoctorCheck> {
  const result = (status: DoctorCheck["status"], detail: string): DoctorCheck => ({
    area: "slack",
    name,
    status,
    detail,
  });
  try {
    const info = await slack.conversations.info({ channel });
    const c = info.channel;
    const label = c?.name ? `#${c.name} (${channel})` : channel;
    if (c?.is_archived)
      return result("fail", `${label} is archived: unarchive it or set ${variable} to another channel.`);
    if (c?.is_member === false)
      return result(
        "warn",
        `${label} exists but the bot is not a member: invite it (/invite @warden in ${label}).`,
      );
    return result("pass", `${label} exists and the bot is a member.`);
  } catch (error) {
    const { error: code, text } = slackError(error);
    if (code === "channel_not_found")
      return result(
        "fail",
        `${variable}=${channel}: channel not found (wrong id, another workspace, or a private channel the bot was not invited to).`,
      );
    if (code === "missing_scope")
      return result(
        "warn",
        `Cannot check ${variable}=${channel}: conversations.info needs scope channels:read (groups:read for a private channel).`,
      );
    return result("fail", `conversations.info for ${variable}=${channel} failed (${text}).`);
  }
}
