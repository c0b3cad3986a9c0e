import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Seals a value for a round trip through a chat client (Slack's modal `private_metadata`): the JSON
 * with an HMAC-SHA256 tag, so what comes back is either exactly what warden sent or refused.
 * Slack signs the request, but the metadata inside it is whatever the client submitted.
 */
export function seal(key: Buffer, value: unknown): string {
  const body = JSON.stringify(value);
  return JSON.stringify({ v: body, t: tag(key, body) });
}

/** The value `seal` sealed, or undefined for anything else (tampered, truncated, not ours). */
export function unseal(key: Buffer, sealed: string): unknown {
  let outer: unknown;
  try {
    outer = JSON.parse(sealed);
  } catch {
    return undefined;
  }
  if (typeof outer !== "object" || outer === null) return undefined;
  const { v, t } = outer as { v?: unknown; t?: unknown };
  if (typeof v !== "string" || typeof t !== "string") return undefined;
  const expected = Buffer.from(tag(key, v));
  const given = Buffer.from(t);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

const tag = (key: Buffer, body: string) => createHmac("sha256", key).update(body).digest("base64url");
