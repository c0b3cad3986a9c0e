import { SourceError, type SourceErrorCode } from "../../errors.js";
import type { HttpAnswer, RequestContext } from "./http-answer.js";

/** Network error codes that mean "no answer in time" rather than "no connection". */
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ECONNABORTED", "ESOCKETTIMEDOUT"]);

const prefix = (ctx: RequestContext): string => `ServiceNow ${ctx.method} ${ctx.path} failed:`;

const afterAttempts = (ctx: RequestContext): string =>
  ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : "";

/**
 * ServiceNow's error envelope `{"error":{"message","detail"},"status":"failure"}` (detail may
 * be null) read from a text body; undefined parts when the body is something else.
 */
export function readErrorEnvelope(body: string): { message?: string; detail?: string } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed === null || typeof parsed !== "object") return {};
    const error = (parsed as { error?: unknown }).error;
    if (error === null || typeof error !== "object") return {};
    const { message, detail } = error as { message?: unknown; detail?: unknown };
    const out: { message?: string; detail?: string } = {};
    if (typeof message === "string" && message.trim() !== "") out.message = message.trim();
    if (typeof detail === "string" && detail.trim() !== "" && detail.trim() !== out.message) {
      out.detail = detail.trim();
    }
    return out;
  } catch {
    return {};
  }
}

/** `401 User Not Authenticated (Required to provide Auth information)` */
function statusLine(answer: HttpAnswer): string {
  const envelope = readErrorEnvelope(answer.body);
  const text = envelope.message ?? answer.statusText;
  const detail = envelope.detail === undefined ? "" : ` (${envelope.detail})`;
  return `${answer.status}${text ? ` ${text}` : ""}${detail}`;
}

function make(
  code: SourceErrorCode,
  message: string,
  ctx: RequestContext,
  status: number | undefined,
  cause?: unknown,
): SourceError {
  return new SourceError(code, message, { status, method: ctx.method, url: ctx.path, cause });
}

/**
 * A non-2xx answer (after any retries) as a SourceError whose message says what to do.
 * This is the only place statuses become error codes and messages.
 */
export function answerToSourceError(ctx: RequestContext, answer: HttpAnswer): SourceError {
  const { status } = answer;
  const head = `${prefix(ctx)} ${statusLine(answer)}`;
  const table = ctx.table ?? "the table";
  const access = ctx.method === "GET" ? "read" : "write";

  if (status === 401) {
    const mfa = answer.headers["x-mfa_token"] === "invalid" ? " The instance asked for an MFA token." : "";
    const advice =
      ctx.authKind === "oauth"
        ? " The OAuth access token was refused even after fetching a new one. Check SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET and that the OAuth client's application user is active and has the needed roles."
        : " Check SERVICENOW_USERNAME/SERVICENOW_PASSWORD (or SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET). The bot's account should be web-service-access-only or use OAuth: instances now refuse Basic auth for interactive accounts.";
    return make("E_SOURCE_AUTH", `${head}.${mfa}${advice}`, ctx, status);
  }
  if (status === 403) {
    return make(
      "E_SOURCE_FORBIDDEN",
      `${head}. A role or ACL is missing for the ${access} of table ${table}: give the bot's account ${access} access to ${table}` +
        " (where the REST API ACLs are active it also needs role snc_platform_rest_api_access).",
      ctx,
      status,
    );
  }
  if (status === 400) {
    return make(
      "E_SOURCE_BAD_REQUEST",
      `${head}. ServiceNow rejected the request: check the table and field names (ServiceNow mapping) and the query.`,
      ctx,
      status,
    );
  }
  if (status === 404) {
    return make(
      "E_SOURCE_NOT_FOUND",
      `${head}. The record or API does not exist on this instance, or an ACL hides it from the bot's account.`,
      ctx,
      status,
    );
  }
  if (status === 429) {
    return make(
      "E_SOURCE_RATE_LIMITED",
      `${head}${afterAttempts(ctx)}. A REST rate-limit rule (sys_rate_limit_rules, counted per hour) caps the bot's account: raise its limit or run warden less often.`,
      ctx,
      status,
    );
  }
  if (status >= 500) {
    return make(
      "E_SOURCE_UNAVAILABLE",
      `${head}${afterAttempts(ctx)}. The instance failed or is unavailable (upgrade, restart, overload): try again later; if it persists, check the instance's system log.`,
      ctx,
      status,
    );
  }
  if (status >= 300 && status < 400) {
    // Redirects are not followed (credentials must not travel on); on REST they mean a login page.
    return make(
      "E_SOURCE_NOT_JSON",
      `${head}. ServiceNow redirected instead of answering: an SSO/MFA login page is in front of the REST API, or the instance URL is wrong (use https://<instance>.service-now.com).`,
      ctx,
      status,
    );
  }
  return make("E_SOURCE_HTTP", `${head}${afterAttempts(ctx)}.`, ctx, status);
}

/** A 2xx answer whose body is not JSON (hibernating instance, SSO or MFA page). */
export function notJsonError(ctx: RequestContext, answer: HttpAnswer, reason: string): SourceError {
  const type = answer.headers["content-type"] ?? "";
  const what =
    /html/i.test(type) || /^\s*</.test(answer.body) ? "an HTML page" : `${type || "a body"} (${reason})`;
  return make(
    "E_SOURCE_NOT_JSON",
    `${prefix(ctx)} ${answer.status}. ServiceNow answered with ${what} instead of JSON: the instance may be hibernating (wake it up) or an SSO/MFA login page is in front of the REST API.`,
    ctx,
    answer.status,
  );
}

/**
 * A 2xx JSON answer of a shape the ServiceNow REST API never sends (`what` says which part of
 * which answer, and what was wrong). Nothing of it is used: the caller stops, so a scan fails
 * instead of mistaking missing rows for accounts that are gone.
 */
export function malformedError(ctx: RequestContext, status: number | undefined, what: string): SourceError {
  return make(
    "E_SOURCE_MALFORMED",
    `${prefix(ctx)} ${what}. The instance, or a proxy or script in front of it, did not answer the way the ServiceNow REST API does, so warden stopped rather than guess: check that SERVICENOW_URL points at the instance itself and what changed on it.`,
    ctx,
    status,
  );
}

/**
 * A retryable answer (429, 502-504) whose Retry-After asks for a longer wait than warden allows:
 * it gives up at once, saying how long the instance asked for, rather than hang a scan or a chat
 * command for that long. `askedMs` is the wait Retry-After asked for, read against the clock.
 */
export function retryAfterTooLongError(
  ctx: RequestContext,
  answer: HttpAnswer,
  askedMs: number,
  maxMs: number,
): SourceError {
  const seconds = Math.ceil(askedMs / 1000);
  const header = (answer.headers["retry-after"] ?? "").trim();
  const asked = /^\d+$/.test(header)
    ? `${seconds} s`
    : `until ${new Date(Date.parse(header)).toISOString()} (${seconds} s from now)`;
  const rateLimit =
    answer.status === 429
      ? " A REST rate-limit rule (sys_rate_limit_rules, counted per hour) caps the bot's account: raise its limit or run warden less often."
      : "";
  return make(
    "E_SOURCE_RETRY_TOO_LONG",
    `${prefix(ctx)} ${statusLine(answer)}. The instance asked to wait ${asked} before trying again (Retry-After), longer than SERVICENOW_MAX_RETRY_AFTER_SECONDS (${Math.round(maxMs / 1000)} s), so warden gave up at once: try again later, or raise SERVICENOW_MAX_RETRY_AFTER_SECONDS.${rateLimit}`,
    ctx,
    answer.status,
  );
}

/** The parts of a transport failure (axios error or similar) that are safe to keep. */
interface TransportFailure {
  code?: unknown;
  message?: unknown;
}

/**
 * A request that got no HTTP answer (timeout, connection refused or reset, DNS) after every
 * retry. The cause is a plain Error with the code only: an AxiosError carries the request
 * config, Authorization header included, and would leak it to whoever logs `cause`.
 */
export function transportToSourceError(ctx: RequestContext, error: unknown): SourceError {
  const failure = (error ?? {}) as TransportFailure;
  const code = typeof failure.code === "string" ? failure.code : "ENETWORK";
  const cause = Object.assign(new Error(code), { code });
  if (TIMEOUT_CODES.has(code)) {
    return make(
      "E_SOURCE_TIMEOUT",
      `${prefix(ctx)} no answer within ${ctx.timeoutMs} ms${afterAttempts(ctx)}. The instance is slow or unreachable: narrow the query, use a smaller page size or raise the timeout.`,
      ctx,
      undefined,
      cause,
    );
  }
  return make(
    "E_SOURCE_UNAVAILABLE",
    `${prefix(ctx)} ${code}${afterAttempts(ctx)}. Could not reach ${ctx.host}: check the instance URL and the network (proxy, firewall, DNS).`,
    ctx,
    undefined,
    cause,
  );
}

/**
 * The single entry point: a final non-2xx answer or a transport error as a SourceError.
 */
export function toSourceError(
  ctx: RequestContext,
  failure: { answer: HttpAnswer } | { error: unknown },
): SourceError {
  return "answer" in failure
    ? answerToSourceError(ctx, failure.answer)
    : transportToSourceError(ctx, failure.error);
}
