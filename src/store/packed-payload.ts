import { deflateRawSync, inflateRawSync } from "node:zlib";
import { OutboxMessageError } from "../errors.js";
import { PAYLOAD_DICTIONARY_V1 } from "./payload-dictionary.js";

/**
 * Outbox payloads at rest. A sent message is kept (for in-place updates, follow-ups, stale-click
 * answers) until retention removes it, so a year of owner messages, reminders and admin posts is
 * most of the database. Each payload is stored deflated against a preset dictionary, base64 in a
 * JSON object: `{"z1":"…"}` — ~7× smaller than its JSON.
 *
 * It stays JSON text, and the one field SQL reads (`$.supersededBy`: which owner messages are still
 * live, see list-live-owner-items.ts) stays in clear beside `z1`. Rows written before packing (plain
 * JSON) are read as they are; small payloads are not packed (nothing to gain).
 */
const DICTIONARY = Buffer.from(PAYLOAD_DICTIONARY_V1, "utf8");
const PACK_FROM_BYTES = 400;
const PACKED_KEY = "z1";
/** Top-level fields kept readable by SQL (json_extract) beside the packed rest. */
const CLEAR_FIELDS = ["supersededBy"] as const;

/** The stored text of an encoded outbox message. */
export function packPayload(value: unknown): string {
  const json = JSON.stringify(value);
  if (json.length < PACK_FROM_BYTES || !isRecord(value)) return json;
  const rest: Record<string, unknown> = { ...value };
  const packed: Record<string, unknown> = {};
  for (const field of CLEAR_FIELDS) {
    if (rest[field] !== undefined) packed[field] = rest[field];
    delete rest[field];
  }
  packed[PACKED_KEY] = deflateRawSync(JSON.stringify(rest), { level: 9, dictionary: DICTIONARY }).toString(
    "base64",
  );
  return JSON.stringify(packed);
}

/**
 * The encoded message of a stored payload already parsed from JSON (packed or not). Throws
 * an `E_OUTBOX_MALFORMED` OutboxMessageError when packed bytes do not inflate to a JSON object.
 */
export function unpackPayload(stored: unknown): unknown {
  if (!isRecord(stored) || typeof stored[PACKED_KEY] !== "string") return stored;
  let value: unknown;
  try {
    const text = inflateRawSync(Buffer.from(stored[PACKED_KEY], "base64"), {
      dictionary: DICTIONARY,
    }).toString("utf8");
    value = JSON.parse(text);
  } catch (error) {
    throw new OutboxMessageError("E_OUTBOX_MALFORMED", "a packed outbox payload does not unpack", {
      cause: error,
    });
  }
  if (!isRecord(value))
    throw new OutboxMessageError("E_OUTBOX_MALFORMED", "a packed outbox payload is not an object");
  for (const field of CLEAR_FIELDS) {
    if (stored[field] !== undefined) value[field] = stored[field];
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
