import { SourceError } from "../../errors.js";
import type { HttpAnswer, RequestContext } from "./http-answer.js";
import { parseJsonAnswer } from "./parse-json-answer.js";
import { readErrorEnvelope, toSourceError } from "./to-source-error.js";

/** Path of ServiceNow's OAuth token endpoint. */
export const TOKEN_PATH = "/oauth_token.do";

/** A token is replaced this long before it expires, so no request goes out with a dying token. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

/** Used when the answer has no usable `expires_in`: ServiceNow's documented default lifespan. */
const DEFAULT_EXPIRES_IN_S = 1800;

export interface OAuthTokenProviderOptions {
  clientId: string;
  clientSecret: string;
  /**
   * Sends the form body to {@link TOKEN_PATH} and returns the answer (retries included) plus
   * the request context for error messages. The client passes its own transport so token
   * requests are counted, logged and retried like every other request.
   */
  post(path: string, form: string): Promise<{ answer: HttpAnswer; ctx: RequestContext }>;
  now?: () => number;
}

/** Bearer tokens from the client-credentials grant, cached and shared between callers. */
export interface OAuthTokenProvider {
  /** A valid access token; fetches one when none is cached or it expires within 60 s. */
  getToken(): Promise<string>;
  /**
   * Drops the cached token after a 401. Pass the token that was refused so that a caller
   * holding a stale token does not throw away a fresh one another caller just fetched.
   */
  invalidate(token?: string): void;
}

/**
 * OAuth client-credentials token provider for `POST /oauth_token.do`. The client id and secret
 * travel only in the form body (zBoot instances reject them as query parameters). Concurrent
 * callers share one in-flight request.
 */
export function createOAuthTokenProvider(options: OAuthTokenProviderOptions): OAuthTokenProvider {
  const now = options.now ?? Date.now;
  let cached: { token: string; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: options.clientId,
      client_secret: options.clientSecret,
    }).toString();
    const { answer, ctx } = await options.post(TOKEN_PATH, form);
    if (answer.status < 200 || answer.status >= 300) throw tokenError(ctx, answer);
    const body = parseJsonAnswer(ctx, answer) as { access_token?: unknown; expires_in?: unknown } | null;
    const token = body?.access_token;
    if (typeof token !== "string" || token === "") {
      throw new SourceError(
        "E_SOURCE_AUTH",
        `ServiceNow POST ${TOKEN_PATH} failed: the answer has no access_token. Check that the OAuth client allows the client_credentials grant.`,
        { status: answer.status, method: "POST", url: TOKEN_PATH },
      );
    }
    const expiresIn = Number(body?.expires_in);
    const lifetimeS = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_S;
    cached = { token, expiresAt: now() + lifetimeS * 1000 };
    return token;
  }

  return {
    getToken() {
      if (cached && now() < cached.expiresAt - TOKEN_REFRESH_MARGIN_MS) return Promise.resolve(cached.token);
      if (!inflight) {
        inflight = fetchToken().finally(() => {
          inflight = undefined;
        });
      }
      return inflight;
    },
    invalidate(token) {
      if (token === undefined || cached?.token === token) cached = undefined;
    },
  };
}

/**
 * Token endpoint refusals (400 invalid_client, 401 access_denied, 403) are credential problems
 * whatever the status, so they become E_SOURCE_AUTH; 429/5xx/timeouts keep their own codes
 * because the fix there is "wait", not "check the secret".
 */
function tokenError(ctx: RequestContext, answer: HttpAnswer): SourceError {
  if (answer.status === 429 || answer.status >= 500) return toSourceError(ctx, { answer });
  const reason = oauthReason(answer.body);
  return new SourceError(
    "E_SOURCE_AUTH",
    `ServiceNow POST ${TOKEN_PATH} failed: ${answer.status}${reason ? ` ${reason}` : ""}. The OAuth token request was refused: check SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET and that the OAuth client (System OAuth > Inbound integrations) is active and allows the client_credentials grant.`,
    { status: answer.status, method: "POST", url: TOKEN_PATH },
  );
}

/** `error`/`error_description` (RFC 6749) or ServiceNow's envelope, whichever the body has. */
function oauthReason(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; error_description?: unknown } | null;
    const parts = [parsed?.error, parsed?.error_description].filter(
      (p): p is string => typeof p === "string" && p !== "",
    );
    if (parts.length > 0) return parts.join(": ");
  } catch {
    // not JSON: fall through to the envelope reader, which also tolerates anything
  }
  const envelope = readErrorEnvelope(body);
  return envelope.message;
}
