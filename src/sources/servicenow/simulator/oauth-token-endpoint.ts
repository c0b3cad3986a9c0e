/**
 * POST /oauth_token.do of the simulated instance: client_credentials, password and
 * refresh_token grants, opaque Bearer tokens that expire by the simulator clock.
 */
import { randomBytes } from "node:crypto";
import type { ApiResponse } from "./api-response.js";

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

/** Issued access and refresh tokens, with expiry in simulator-clock milliseconds. */
export class TokenStore {
  private readonly access = new Map<string, number>();
  private readonly refresh = new Set<string>();

  issueAccess(nowMs: number, ttlSeconds: number): string {
    const token = randomBytes(24).toString("base64url");
    this.access.set(token, nowMs + ttlSeconds * 1000);
    return token;
  }

  issueRefresh(): string {
    const token = randomBytes(24).toString("base64url");
    this.refresh.add(token);
    return token;
  }

  isValidAccess(token: string, nowMs: number): boolean {
    const expires = this.access.get(token);
    return expires !== undefined && nowMs < expires;
  }

  consumeRefresh(token: string): boolean {
    return this.refresh.has(token);
  }

  /** Invalidates every token issued so far. */
  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
  }
}

export interface TokenEndpointConfig {
  clients: readonly OAuthClient[];
  credentials: { username: string; password: string };
  tokenTtlSeconds: number;
  tokens: TokenStore;
  nowMs: number;
}

const accessDenied: ApiResponse = {
  status: 401,
  body: { error: "access_denied", error_description: "access_denied" },
};

/** Handles one token request (form-encoded body; client credentials in the body or Basic header). */
export function handleTokenRequest(
  config: TokenEndpointConfig,
  contentType: string | undefined,
  authorization: string | undefined,
  rawBody: string,
): ApiResponse {
  if (!contentType?.toLowerCase().includes("application/x-www-form-urlencoded")) {
    return { status: 400, body: { error: "invalid_request", error_description: "invalid_request" } };
  }
  const form = new URLSearchParams(rawBody);
  let clientId = form.get("client_id") ?? "";
  let clientSecret = form.get("client_secret") ?? "";
  if (authorization?.startsWith("Basic ")) {
    const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  const client = config.clients.find((c) => c.clientId === clientId && c.clientSecret === clientSecret);
  if (!client) return accessDenied;

  const grant = form.get("grant_type");
  const base = { token_type: "Bearer", expires_in: config.tokenTtlSeconds, scope: "useraccount" };
  const access = () => config.tokens.issueAccess(config.nowMs, config.tokenTtlSeconds);
  switch (grant) {
    case "client_credentials":
      return { status: 200, body: { access_token: access(), ...base } };
    case "password": {
      const { username, password } = config.credentials;
      if (form.get("username") !== username || form.get("password") !== password) return accessDenied;
      return {
        status: 200,
        body: { access_token: access(), refresh_token: config.tokens.issueRefresh(), ...base },
      };
    }
    case "refresh_token":
      if (!config.tokens.consumeRefresh(form.get("refresh_token") ?? "")) return accessDenied;
      return {
        status: 200,
        body: { access_token: access(), refresh_token: form.get("refresh_token"), ...base },
      };
    default:
      return {
        status: 400,
        body: { error: "unsupported_grant_type", error_description: "unsupported_grant_type" },
      };
  }
}
