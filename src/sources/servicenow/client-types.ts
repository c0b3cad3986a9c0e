import type { Logger } from "../../logger.js";

/** A record as ServiceNow returns it: values are strings, `""` or `{link,value}` references. */
export type RawRecord = Record<string, unknown>;

export type ServiceNowAuth =
  | { kind: "basic"; username: string; password: string }
  | { kind: "oauth"; clientId: string; clientSecret: string };

export interface ServiceNowClientOptions {
  /** Instance base URL, e.g. https://acme.service-now.com (no trailing path). */
  baseUrl: string;
  auth: ServiceNowAuth;
  /** Per-request timeout. Default 30 000 ms. */
  timeoutMs?: number;
  /** Retries on 429/502/503/504, network errors and timeouts (GET and PATCH are idempotent). Default 4. */
  retries?: number;
  /**
   * Rows per page for `list`. Default 10 000 (ServiceNow's default sysparm_limit); when the
   * instance refuses a page that big, `list` halves it (down to 1000) until a page is served,
   * logging once, and keeps that size.
   */
  pageSize?: number;
  /**
   * The longest Retry-After waited out; a longer one fails the request at once with
   * E_SOURCE_RETRY_TOO_LONG (SERVICENOW_MAX_RETRY_AFTER_SECONDS). Default 120 000 ms.
   */
  maxRetryAfterMs?: number;
  /**
   * Empty pages in a row that `list` slides past while X-Total-Count still claims more rows (an
   * ACL hiding a whole window); one more fails with E_SOURCE_MALFORMED, so paging always ends.
   * Default 10.
   */
  maxEmptyPages?: number;
  /** Waits between retries; injected so tests run without real delays. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock for OAuth token expiry. Default Date.now. */
  now?: () => number;
  logger?: Logger;
}

export interface ListOptions {
  /** Encoded query without ORDERBY; the client adds the keyset condition and ORDERBYsys_id. */
  query?: string;
  /** Fields to return; `sys_id` is added when missing (keyset paging needs it). */
  fields: readonly string[];
  /** A fixed page size for this list (no fallback); default: the client's. */
  pageSize?: number;
}

export interface AggregateOptions {
  query?: string;
  groupBy?: readonly string[];
  /** Ask for sysparm_count=true. */
  count?: boolean;
  max?: readonly string[];
  min?: readonly string[];
}

/** One row of an Aggregate API answer with numbers parsed and group values flattened. */
export interface AggregateRow {
  /** field name → group value (sys_id for references, "" for empty). */
  groupBy: Record<string, string>;
  count: number;
  /** field name → raw max/min value as ServiceNow sent it (a string). */
  max: Record<string, string>;
  min: Record<string, string>;
}

/** The small HTTP surface warden needs from a ServiceNow instance. */
export interface ServiceNowClient {
  /**
   * Every matching record, page by page, keyset-paged on sys_id. A short or empty page is not
   * the end (sysparm_limit applies before ACLs); the end is when X-Total-Count says so. Every page
   * is checked first (see readTableRecords, checkKeysetOrder): a malformed one, or more than
   * `maxEmptyPages` empty ones in a row, fails with E_SOURCE_MALFORMED naming the table and page.
   */
  list(table: string, options: ListOptions): AsyncGenerator<RawRecord[]>;
  /** One record by sys_id; undefined when it does not exist (or an ACL hides it: 404). */
  get(table: string, sysId: string, fields: readonly string[]): Promise<RawRecord | undefined>;
  /** Records whose `field` equals `value` literally (name=value parameter, never an encoded query). */
  findByField(table: string, field: string, value: string, fields: readonly string[]): Promise<RawRecord[]>;
  /** Aggregate API (GET /api/now/stats/{table}). */
  aggregate(table: string, options: AggregateOptions): Promise<AggregateRow[]>;
  /**
   * Aggregate API, one row at a time: for answers with a great many groups, so that neither the
   * parsed answer nor the row list is ever held whole.
   */
  aggregateEach(table: string, options: AggregateOptions, onRow: (row: AggregateRow) => void): Promise<void>;
  /** PATCH one record with string values; returns the updated record. */
  patch(
    table: string,
    sysId: string,
    values: Record<string, string>,
    fields: readonly string[],
  ): Promise<RawRecord>;
  /**
   * POST one record (https://www.servicenow.com/docs/r/zurich/api-reference/rest-apis/c_TableAPI.html,
   * "POST /now/table/{tableName}": 201 with the record); returns the created record. Sent
   * at most once (ServiceNowCall.write): a create that fails without a clear answer is not sent again.
   */
  create(table: string, values: Record<string, string>, fields: readonly string[]): Promise<RawRecord>;
  /**
   * DELETE one record ("DELETE /now/table/{tableName}/{sys_id}": 204). False when it was not
   * there (404: deleted already, or an ACL hides it).
   */
  remove(table: string, sysId: string): Promise<boolean>;
  /** HTTP requests made so far (token requests and retries included). */
  readonly requestCount: number;
}
