/**
 * SQLite's `json_valid(payload) AND json_extract(payload, '$.supersededBy') IS NULL`, in JS:
 * PostgreSQL 15 has no safe JSON check (`IS JSON` and `pg_input_is_valid` came in 16), and
 * `payload::jsonb` fails the whole query on one unreadable row where SQLite only leaves it out.
 * A JSON null counts as absent (json_extract returns NULL for it), and so does any top level
 * that is not an object.
 */
export function isUnsupersededPayload(payload: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return false;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return true;
  const superseded = (value as Record<string, unknown>).supersededBy;
  return superseded === undefined || superseded === null;
}
