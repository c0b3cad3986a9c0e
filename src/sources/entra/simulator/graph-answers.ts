import { randomUUID } from "node:crypto";

/** One answer of the simulated tenant. */
export interface TenantAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value (serialised) or raw text. */
  json?: unknown;
  text?: string;
}

/** Graph's error envelope (https://learn.microsoft.com/en-us/graph/errors). */
export function graphError(status: number, code: string, message: string): TenantAnswer {
  const requestId = randomUUID();
  return {
    status,
    headers: { "request-id": requestId, "client-request-id": requestId },
    json: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": requestId,
          "client-request-id": requestId,
        },
      },
    },
  };
}

export const insufficientPrivileges = (): TenantAnswer =>
  graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

/** The token endpoint's error (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes). */
export function aadstsError(status: number, error: string, code: number, description: string): TenantAnswer {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = `${new Date().toISOString().replace("T", " ").slice(0, 19)}Z`;
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** Graph's 404 for an object id (or appId) that names nothing in the tenant. */
export const resourceNotFound = (id: string): TenantAnswer =>
  graphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
