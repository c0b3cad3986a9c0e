import { SourceError, type SourceErrorCode } from "../../errors.js";

/**
 * A failed request to Microsoft Graph or the Entra token endpoint. `graphCode` is Graph's
 * `error.code` (e.g. Authorization_RequestDenied) or the sign-in error (e.g. invalid_client), so
 * callers branch on codes, never on messages (https://learn.microsoft.com/en-us/graph/errors).
 */
export class GraphError extends SourceError {
  readonly graphCode: string | undefined;
  /** AADSTS number of a sign-in error (error_codes[0]), e.g. 7000215 for a wrong secret. */
  readonly aadsts: number | undefined;

  constructor(
    code: SourceErrorCode,
    message: string,
    details: {
      status?: number | undefined;
      method: string;
      url: string;
      graphCode?: string | undefined;
      aadsts?: number | undefined;
      cause?: unknown;
    },
  ) {
    super(code, message, details);
    this.graphCode = details.graphCode;
    this.aadsts = details.aadsts;
  }
}

/** Graph's envelope {"error":{"code","message"}} read from a body; empty when it is something else. */
export function readGraphEnvelope(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } } | null;
    const error = parsed?.error;
    if (error === null || typeof error !== "object") return {};
    return {
      ...(typeof error.code === "string" ? { code: error.code } : {}),
      ...(typeof error.message === "string" ? { message: error.message } : {}),
    };
  } catch {
    return {};
  }
}
