/**
 * SQLite's `json_valid(payload) AND json_extract(payload, '$.supersededBy') IS NULL`, the test of
 * a live (not superseded) owner message, in JavaScript: the stored text is JSON and its top-level
 * supersededBy (kept beside the packed rest, src/store/packed-payload.ts) is missing or null.
 *
 * Not in SQL: `payload::jsonb` raises an error on text that is not JSON, and one such row would
 * fail the whole statement (and the caller's transaction), where SQLite only leaves it out. The
 * error-free test, `payload IS JSON`, needs PostgreSQL 16
 * (https://www.postgresql.org/docs/16/functions-json.html#FUNCTIONS-SQLJSON-MISC); the store runs
 * on 15 too.
 */
export function isLivePayload(payload: string | null): boolean {
  if (payload === null) return false;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return false;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return true;
  return (value as { supersededBy?: unknown }).supersededBy == null;
}
