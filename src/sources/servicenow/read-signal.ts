import type { BlindSpot, Signal } from "../../core/model.js";
import { SourceError } from "../../errors.js";

/**
 * Failures that mean "this instance does not expose this signal to us": the table is missing
 * (400 Invalid table), an ACL or role blocks it (403), or the API is not there (404). They become
 * blind spots. Anything else (credentials, outage, HTML page, timeout) fails the whole scan.
 */
const BLINDING_CODES = new Set(["E_SOURCE_FORBIDDEN", "E_SOURCE_BAD_REQUEST", "E_SOURCE_NOT_FOUND"]);

/** Runs one signal's reads; on a blinding failure records a blind spot and returns undefined. */
export async function readSignal<T>(
  blindSpots: BlindSpot[],
  signal: Signal,
  table: string,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof SourceError && BLINDING_CODES.has(error.code)) {
      blindSpots.push({ signal, table, reason: error.message });
      return undefined;
    }
    throw error;
  }
}
