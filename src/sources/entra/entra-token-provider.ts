import type { EntraConfig } from "../../config/load-config.js";
import { GraphError } from "./graph-error.js";
import { type GraphAnswer, type GraphTransport, pathOf } from "./graph-transport.js";

/**
 * Client-credentials tokens for Microsoft Graph, by a direct request to the v2.0 token endpoint
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
 *
 * Why not MSAL (@azure/msal-node)? Tried against the simulated tenant (msal-node 2.16.3, the
 * version botbuilder already brings): it signs in only with both `auth.knownAuthorities` (else it
 * asks login.microsoftonline.com for instance discovery) and `system.customAgentOptions: { ca }`;
 * then it fetches the OpenID document before every first token, and an unknown tenant comes back
 * as its generic `endpoints_resolution_error: Endpoints cannot be resolved` instead of Entra's
 * AADSTS90002, which the operator needs to see. Its cache runs on the wall clock (no clock to
 * inject, so "renewed before expiry" cannot be tested without waiting), it throttles itself after
 * a 429 for up to an hour (outside warden's bounded Retry-After), and its requests bypass warden's
 * transport (not counted, retried differently). The grant is one form POST with no refresh token
 * ("refresh tokens will never be granted with this flow", same page), so the only thing MSAL would
 * add is a cache, kept here: the token is reused until 300 s before `expires_in` (MSAL's renewal offset).
 */
export interface EntraTokenProvider {
  /** A token valid for at least the renewal margin; one request shared by concurrent callers. */
  getToken(): Promise<string>;
  /** Drops `token` after Graph refused it (401), so the next getToken signs in again. */
  invalidate(token: string): void;
}

/** MSAL's DEFAULT_TOKEN_RENEWAL_OFFSET_SEC: a token this close to expiry is replaced. */
export const TOKEN_RENEWAL_MARGIN_MS = 300_000;

export function createEntraTokenProvider(
  config: Pick<EntraConfig, "tenantId" | "clientId" | "clientSecret" | "authorityHost" | "graphUrl">,
  transport: GraphTransport,
  now: () => number = Date.now,
): EntraTokenProvider {
  const tokenUrl = `${config.authorityHost}/${encodeURIComponent(config.tenantId)}/oauth2/v2.0/token`;
  let cached: { token: string; renewAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function signIn(): Promise<string> {
    const form = new URLSearchParams({
      client_id: config.clientId,
      scope: `${config.graphUrl}/.default`,
      client_secret: config.clientSecret,
      grant_type: "client_credentials",
    }).toString();
    const answer = await transport.send({
      method: "POST",
      url: tokenUrl,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
    if (answer.status !== 200) throw signInError(answer, tokenUrl, config);
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(answer.body) as typeof body;
    } catch {
      throw new GraphError(
        "E_SOURCE_NOT_JSON",
        `Entra sign-in at ${config.authorityHost} answered something other than JSON: check ENTRA_AUTHORITY_HOST (a proxy or sign-in page may be in the way).`,
        { status: answer.status, method: "POST", url: pathOf(tokenUrl) },
      );
    }
    if (typeof body.access_token !== "string" || body.access_token === "") {
      throw new GraphError("E_SOURCE_MALFORMED", "Entra sign-in answered without an access_token.", {
        status: answer.status,
        method: "POST",
        url: pathOf(tokenUrl),
      });
    }
    // expires_in may come as a string (MSAL accepts both); never assume 3600.
    const lifetimeMs = Math.max(0, Number(body.expires_in) || 0) * 1000;
    const margin = Math.min(TOKEN_RENEWAL_MARGIN_MS, lifetimeMs / 2);
    cached = { token: body.access_token, renewAt: now() + lifetimeMs - margin };
    return body.access_token;
  }

  return {
    getToken() {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
      inflight ??= signIn().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

/** What to check for the AADSTS codes an operator meets (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes). */
const ADVICE: Record<number, string> = {
  7000215:
    "ENTRA_CLIENT_SECRET is wrong: use the secret's Value (shown once when it was added), not its Secret ID.",
  7000222: "ENTRA_CLIENT_SECRET has expired: add a new client secret to warden's app registration.",
  7000218: "ENTRA_CLIENT_SECRET is empty.",
  700016:
    "ENTRA_CLIENT_ID is not an application in this tenant: check the Application (client) ID and ENTRA_TENANT_ID.",
  90002:
    "ENTRA_TENANT_ID names no tenant in this cloud: check the tenant id, and ENTRA_AUTHORITY_HOST for a national cloud.",
  7000112:
    "warden's own service principal is disabled in the tenant: enable it (Enterprise applications > warden > Properties).",
  70011: "the scope was refused: check ENTRA_GRAPH_URL (the scope is ENTRA_GRAPH_URL/.default).",
};

/** A token-endpoint refusal as one clear error naming the AADSTS code; never the secret. */
function signInError(
  answer: GraphAnswer,
  tokenUrl: string,
  config: Pick<EntraConfig, "tenantId" | "authorityHost">,
): GraphError {
  let error: string | undefined;
  let aadsts: number | undefined;
  let description: string | undefined;
  try {
    const body = JSON.parse(answer.body) as {
      error?: unknown;
      error_codes?: unknown;
      error_description?: unknown;
    };
    if (typeof body.error === "string") error = body.error;
    if (Array.isArray(body.error_codes) && typeof body.error_codes[0] === "number")
      aadsts = body.error_codes[0];
    // The description's first line; the trace lines that follow it are for Microsoft support.
    if (typeof body.error_description === "string") description = body.error_description.split(/\r?\n/)[0];
  } catch {
    // not JSON: reported by status below
  }
  const url = pathOf(tokenUrl);
  if (answer.status === 429 || answer.status >= 500) {
    return new GraphError(
      answer.status === 429 ? "E_SOURCE_RATE_LIMITED" : "E_SOURCE_UNAVAILABLE",
      `Entra sign-in failed: ${answer.status} after every retry${description ? ` (${description})` : ""}. Try again later.`,
      { status: answer.status, method: "POST", url, graphCode: error, aadsts },
    );
  }
  if (error === undefined) {
    return new GraphError(
      "E_SOURCE_NOT_JSON",
      `Entra sign-in at ${config.authorityHost} failed: ${answer.status} without an OAuth error: check ENTRA_AUTHORITY_HOST.`,
      { status: answer.status, method: "POST", url },
    );
  }
  const advice = aadsts !== undefined ? ADVICE[aadsts] : undefined;
  const name = aadsts !== undefined ? `AADSTS${aadsts} ` : "";
  return new GraphError(
    "E_SOURCE_AUTH",
    `Entra sign-in to tenant ${config.tenantId} was refused: ${name}${error}${description ? ` (${description.replace(/^AADSTS\d+:\s*/, "")})` : ""}.${advice ? ` ${advice}` : ""}`,
    { status: answer.status, method: "POST", url, graphCode: error, aadsts },
  );
}
