/**
 * Typed errors. Every error warden raises on purpose carries a stable string `code` that
 * adapters and the CLI turn into a short message, plus the standard `cause` for the full story.
 */
export class WardenError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Configuration is wrong. `problems` lists every problem at once, one sentence each. */
export class ConfigError extends WardenError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("E_CONFIG", `Configuration has ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    this.problems = problems;
  }
}

/** Codes of failures talking to a source system such as ServiceNow. */
export type SourceErrorCode =
  | "E_SOURCE_AUTH" // 401: credentials wrong, expired, or Basic auth refused
  | "E_SOURCE_FORBIDDEN" // 403: a role or ACL is missing
  | "E_SOURCE_NOT_FOUND" // 404 on a single record or an unknown API
  | "E_SOURCE_BAD_REQUEST" // 400: invalid table, field or query
  | "E_SOURCE_NOT_JSON" // 200 with HTML: hibernating instance, SSO or MFA page
  | "E_SOURCE_TIMEOUT" // no answer within the request timeout
  | "E_SOURCE_RATE_LIMITED" // 429 after every retry
  | "E_SOURCE_UNAVAILABLE" // 5xx after every retry, or the network failed
  | "E_SOURCE_MALFORMED" // 2xx JSON of the wrong shape: result not an array, a bad sys_id, paging that never ends
  | "E_SOURCE_RETRY_TOO_LONG" // Retry-After longer than SERVICENOW_MAX_RETRY_AFTER_SECONDS
  | "E_SOURCE_HTTP"; // any other status

/** A request to a source system failed. The message says what happened and what to do. */
export class SourceError extends WardenError {
  declare readonly code: SourceErrorCode;
  readonly status: number | undefined;
  readonly method: string;
  readonly url: string;

  constructor(
    code: SourceErrorCode,
    message: string,
    details: { status?: number | undefined; method: string; url: string; cause?: unknown },
  ) {
    super(code, message, { cause: details.cause });
    this.status = details.status;
    this.method = details.method;
    this.url = details.url;
  }
}

/** The store (SQLite) refused an operation, e.g. a database created by a newer warden. */
export class StoreError extends WardenError {}

/** Used by the CLI for wrong arguments: printed as is, exit code 2. */
export class UsageError extends WardenError {
  constructor(message: string) {
    super("E_USAGE", message);
  }
}

/**
 * A stored outbox message (or message reference) cannot be read or written: the delivery marks the
 * item failed with this reason instead of sending something wrong. Code E_OUTBOX_MALFORMED.
 */
export class OutboxMessageError extends WardenError {}

/**
 * An access review cannot do what was asked: E_REVIEW_OPEN (a campaign covering the same source
 * is open), E_REVIEW_NO_SCAN (nothing scanned yet to review), E_REVIEW_NOT_FOUND (no such campaign).
 */
export class ReviewError extends WardenError {}
