/**
 * The response shapes the simulated APIs produce, and ServiceNow's error envelope. Handlers
 * return an ApiResponse; the server writes it (after the configured latency).
 */

export interface ApiResponse {
  status: number;
  /** A JSON value, or a string sent as is with `contentType`; undefined for no body. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** ServiceNow's failure envelope `{"error":{"message","detail"},"status":"failure"}`. */
export function errorResponse(
  status: number,
  message: string,
  detail: string | null,
  headers?: Record<string, string>,
): ApiResponse {
  return {
    status,
    body: { error: { message, detail }, status: "failure" },
    ...(headers ? { headers } : {}),
  };
}

/** 400 for a table the instance does not have. */
export function invalidTable(table: string): ApiResponse {
  return errorResponse(400, `Invalid table ${table}`, `Table ${table} does not exist`);
}

/** 403 as an ACL on the whole table answers it. */
export function forbidden(): ApiResponse {
  return errorResponse(403, "Insufficient rights to query records", null);
}

/** 404 for a record that does not exist or an ACL hides. */
export function recordNotFound(): ApiResponse {
  return errorResponse(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");
}

/** 401 without (valid) credentials. */
export function notAuthenticated(): ApiResponse {
  return errorResponse(401, "User Not Authenticated", "Required to provide Auth information");
}

/** What a hibernating developer instance answers: 200 and an HTML page. */
export const HIBERNATION_PAGE =
  "<html><head><title>Instance Hibernating</title></head><body><h1>Your instance is hibernating</h1>" +
  "<p>Your instance is hibernating. Sign in to the developer portal to wake it up.</p></body></html>";
