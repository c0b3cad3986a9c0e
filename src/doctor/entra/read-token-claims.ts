/** The claims of an Entra access token that the doctor reads. */
export interface TokenClaims {
  /** Application permissions granted to the app (app roles), e.g. "Application.Read.All". */
  roles: string[];
  /** Tenant the token was issued in. */
  tid: string | undefined;
  /** Expiry, in seconds since the epoch. */
  exp: number | undefined;
}

/**
 * The payload of an access token, decoded without checking its signature. That is enough here and
 * the only thing possible: the token is for Microsoft Graph, not for warden, and "only the API the
 * token is for should validate and inspect it"
 * (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens); the doctor only reads
 * which application permissions the `roles` claim says were granted, to explain the probes that
 * follow, and never trusts it for anything: Graph's own answers to those probes are the verdict.
 * Undefined when the token is not a readable JWT (Microsoft may change the format at any time).
 */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const [, payload] = token.split(".");
  if (payload === undefined || payload === "") return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (claims === null || typeof claims !== "object") return undefined;
  const { roles, tid, exp } = claims as { roles?: unknown; tid?: unknown; exp?: unknown };
  return {
    roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [],
    tid: typeof tid === "string" ? tid : undefined,
    exp: typeof exp === "number" ? exp : undefined,
  };
}
