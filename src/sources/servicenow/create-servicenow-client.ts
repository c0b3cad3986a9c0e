import type { Readable } from "node:stream";
import axios, { type AxiosResponse } from "axios";
import { SourceError } from "../../errors.js";
import { type Logger, silentLogger } from "../../logger.js";
import { buildKeysetQuery } from "./build-keyset-query.js";
import type {
  AggregateOptions,
  AggregateRow,
  ListOptions,
  RawRecord,
  ServiceNowClient,
  ServiceNowClientOptions,
} from "./client-types.js";
import type { HttpAnswer, RequestContext } from "./http-answer.js";
import { toAggregateRow } from "./normalize-aggregate.js";
import { createOAuthTokenProvider, type OAuthTokenProvider } from "./oauth-token-provider.js";
import { parseJsonAnswer } from "./parse-json-answer.js";
import { parseInteger } from "./parse-values.js";
import { checkAggregateGroup, readAggregateResult } from "./read-aggregate-result.js";
import { readStreamedAnswer, StreamReadError } from "./read-streamed-answer.js";
import { checkKeysetOrder, readTableRecords } from "./read-table-records.js";
import { MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelay } from "./retry-delay.js";
import {
  answerToSourceError,
  malformedError,
  retryAfterTooLongError,
  transportToSourceError,
} from "./to-source-error.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 4;
const DEFAULT_PAGE_SIZE = 1000;
/**
 * Empty pages in a row `list` slides past before it calls the paging endless. An ACL hiding more
 * than this many whole windows in a row looks the same; a bigger page size gets past it.
 */
const DEFAULT_MAX_EMPTY_PAGES = 10;
/** `findByField` looks for one identity by name; a handful of rows is plenty. */
const FIND_LIMIT = 10;

/**
 * Statuses worth retrying: 429 (rate limit, usually with Retry-After) and the gateway family
 * 502/503/504 (node restarts, upgrades, a hibernating instance waking up). 500 is **not**
 * retried: on ServiceNow it is almost always a deterministic server-side failure (a script or
 * query error) that fails again the same way, so retrying only delays the report.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Transport errors worth retrying. ECONNREFUSED is included: during an instance restart or
 * upgrade the load balancer briefly refuses connections, and a wrong URL still fails within the
 * bounded number of retries. ENOTFOUND (DNS says the host does not exist) is final: it is a
 * misspelt instance URL, not a transient fault; EAI_AGAIN (DNS temporarily failed) is retried.
 */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "ESOCKETTIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/**
 * A write (PATCH) is sent again only when it certainly did not reach the instance: a refused
 * connection, or a 429 (the rate limiter answers before the request is handled). After a timeout,
 * a reset or a 5xx it may have been applied, so the caller re-reads the record instead.
 */
type Method = "GET" | "POST" | "PATCH";

interface Call {
  method: Method;
  path: string;
  table?: string;
  params?: Record<string, string>;
  /** Already serialised body (JSON or form). */
  data?: string;
  contentType?: string;
  /** Stream the body: each element of a 2xx `result` goes here as it arrives (see aggregateEach). */
  onItem?: (item: unknown) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";

/** `fields` plus sys_id, deduplicated, as the comma list sysparm_fields wants. */
function fieldList(fields: readonly string[], ...extra: string[]): string {
  return [...new Set([...fields, ...extra])].join(",");
}

const tablePath = (table: string): string => `/api/now/table/${encodeURIComponent(table)}`;

/** Field names for findByField: a column or dot-walk, and never a sysparm_* control parameter. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function toAnswer(response: AxiosResponse<unknown>): HttpAnswer {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
    else if (Array.isArray(value)) headers[name.toLowerCase()] = value.join(", ");
    else if (typeof value === "number") headers[name.toLowerCase()] = String(value);
  }
  return {
    status: response.status,
    statusText: response.statusText ?? "",
    headers,
    body: typeof response.data === "string" ? response.data : "",
  };
}

/**
 * The ServiceNow REST client: Table API and Aggregate API over axios, with Basic or OAuth
 * (client-credentials) auth, retries with backoff honouring Retry-After, keyset paging that
 * survives ACL-shortened pages, and errors that say what to do.
 */
export function createServiceNowClient(options: ServiceNowClientOptions): ServiceNowClient {
  const base = new URL(options.baseUrl);
  // Keep only origin + path: credentials in the URL would be sent along and end up in logs.
  const baseURL = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
  const host = base.host;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
  const defaultPageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const maxRetryAfterMs = Math.max(0, options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS);
  const maxEmptyPages = Math.max(0, options.maxEmptyPages ?? DEFAULT_MAX_EMPTY_PAGES);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const log: Logger = (options.logger ?? silentLogger).child({ source: "servicenow" });
  const { auth } = options;

  const http = axios.create({
    baseURL,
    timeout: timeoutMs,
    headers: { Accept: "application/json" },
    // Raw text, parsed by parseJsonAnswer, so an HTML page is detected instead of mis-parsed.
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    // Every status comes back as an answer; the retry loop and toSourceError decide.
    validateStatus: () => true,
    // A redirect on a REST call means a login page; following it would carry credentials on.
    maxRedirects: 0,
    // Timeouts surface as ETIMEDOUT rather than the ambiguous ECONNABORTED.
    transitional: { clarifyTimeoutError: true },
  });

  let requestCount = 0;

  /** One logical request: every HTTP attempt counted and logged, retried on transient failures. */
  async function send(
    call: Call,
    authorization: string | undefined,
  ): Promise<{ answer: HttpAnswer & { streamed?: boolean }; ctx: RequestContext }> {
    const ctx: RequestContext = {
      method: call.method,
      path: call.path,
      table: call.table,
      authKind: auth.kind,
      attempts: 0,
      timeoutMs,
      host,
    };
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers.Authorization = authorization;
    if (call.contentType !== undefined) headers["Content-Type"] = call.contentType;

    for (let attempt = 0; ; attempt++) {
      requestCount++;
      ctx.attempts = attempt + 1;
      const started = performance.now();
      let answer: HttpAnswer & { streamed?: boolean };
      try {
        const response = await http.request<unknown>({
          method: call.method,
          url: call.path,
          params: call.params,
          data: call.data,
          headers,
          responseType: call.onItem ? "stream" : "text",
        });
        answer = call.onItem
          ? await readStreamedAnswer(toAnswer(response), response.data as Readable, call.onItem, timeoutMs)
          : toAnswer(response);
      } catch (error) {
        if (error instanceof StreamReadError && error.cause instanceof SyntaxError) {
          throw new SourceError(
            "E_SOURCE_NOT_JSON",
            `ServiceNow ${call.method} ${call.path} failed: the answer is not valid JSON (${error.message}).`,
            { method: call.method, url: call.path },
          );
        }
        const code = isObject(error) && typeof error.code === "string" ? error.code : undefined;
        const ms = Math.round(performance.now() - started);
        // Elements already passed on cannot be taken back: such a call is not retried.
        const replayable = !(error instanceof StreamReadError && error.itemsPassedOn);
        const retry =
          replayable &&
          attempt < retries &&
          code !== undefined &&
          (call.method === "PATCH" ? code === "ECONNREFUSED" : RETRYABLE_NETWORK_CODES.has(code));
        const waitMs = retry ? retryDelay(attempt, undefined, now()) : undefined;
        log.debug(
          { method: call.method, path: call.path, error: code, ms, attempt, retryInMs: waitMs },
          "servicenow request",
        );
        if (waitMs === undefined) throw transportToSourceError(ctx, error);
        await sleep(waitMs);
        continue;
      }
      const ms = Math.round(performance.now() - started);
      const retryable =
        call.method === "PATCH" ? answer.status === 429 : RETRYABLE_STATUSES.has(answer.status);
      // A wait longer than allowed is not worth a retry, nor a report blaming "every retry".
      const askedMs = retryable ? parseRetryAfter(answer.headers["retry-after"], now()) : undefined;
      const tooLong = askedMs !== undefined && askedMs > maxRetryAfterMs;
      const retry = attempt < retries && retryable && !tooLong;
      const waitMs = retry
        ? retryDelay(attempt, answer.headers["retry-after"], now(), maxRetryAfterMs)
        : undefined;
      log.debug(
        { method: call.method, path: call.path, status: answer.status, ms, attempt, retryInMs: waitMs },
        "servicenow request",
      );
      if (tooLong) throw retryAfterTooLongError(ctx, answer, askedMs, maxRetryAfterMs);
      if (waitMs === undefined) return { answer, ctx };
      await sleep(waitMs);
    }
  }

  const tokens: OAuthTokenProvider | undefined =
    auth.kind === "oauth"
      ? createOAuthTokenProvider({
          clientId: auth.clientId,
          clientSecret: auth.clientSecret,
          now,
          post: (path, form) =>
            send(
              { method: "POST", path, data: form, contentType: "application/x-www-form-urlencoded" },
              undefined,
            ),
        })
      : undefined;

  const basicHeader =
    auth.kind === "basic"
      ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`
      : "";

  /**
   * `send` with credentials. With OAuth a 401 means the token was revoked or expired early:
   * drop it, fetch a new one and try exactly once more; a second 401 is the caller's error.
   */
  async function authorized(
    call: Call,
  ): Promise<{ answer: HttpAnswer & { streamed?: boolean }; ctx: RequestContext }> {
    if (!tokens) return send(call, basicHeader);
    const token = await tokens.getToken();
    const first = await send(call, `Bearer ${token}`);
    if (first.answer.status !== 401) return first;
    log.debug({ method: call.method, path: call.path }, "servicenow token refused, re-authenticating once");
    tokens.invalidate(token);
    return send(call, `Bearer ${await tokens.getToken()}`);
  }

  /** The parsed body of a 2xx JSON answer; undefined for a tolerated 404; throws otherwise. */
  async function json(
    call: Call,
    tolerate404 = false,
  ): Promise<{ body: unknown; answer: HttpAnswer; ctx: RequestContext } | undefined> {
    const { answer, ctx } = await authorized(call);
    if (answer.status === 404 && tolerate404) return undefined;
    if (answer.status < 200 || answer.status >= 300) throw answerToSourceError(ctx, answer);
    return { body: parseJsonAnswer(ctx, answer), answer, ctx };
  }

  /** The `result` member of a 2xx JSON answer; undefined for a tolerated 404; throws otherwise. */
  async function result(
    call: Call,
    tolerate404 = false,
  ): Promise<{ result: unknown; answer: HttpAnswer } | undefined> {
    const answered = await json(call, tolerate404);
    if (answered === undefined) return undefined;
    const { body, answer, ctx } = answered;
    if (!isObject(body) || !("result" in body)) {
      throw malformedError(ctx, answer.status, `${answer.status} with JSON that has no "result" member`);
    }
    return { result: body.result, answer };
  }

  /** The records of a Table API answer, checked (readTableRecords); `where` names the request. */
  async function records(
    call: Call,
    where: string,
  ): Promise<{ rows: RawRecord[]; answer: HttpAnswer; ctx: RequestContext }> {
    const answered = await json(call);
    // json() is undefined only for a tolerated 404, and none is tolerated here.
    const { body, answer, ctx } = answered as NonNullable<typeof answered>;
    const read = readTableRecords(body);
    if (!read.ok) throw malformedError(ctx, answer.status, `${where} is malformed: ${read.problem}`);
    return { rows: read.value, answer, ctx };
  }

  function aggregateCall(table: string, aggregateOptions: AggregateOptions): Call {
    const params: Record<string, string> = {};
    if (aggregateOptions.count) params.sysparm_count = "true";
    if (aggregateOptions.groupBy?.length) params.sysparm_group_by = aggregateOptions.groupBy.join(",");
    if (aggregateOptions.max?.length) params.sysparm_max_fields = aggregateOptions.max.join(",");
    if (aggregateOptions.min?.length) params.sysparm_min_fields = aggregateOptions.min.join(",");
    if (aggregateOptions.query) params.sysparm_query = aggregateOptions.query;
    return { method: "GET", path: `/api/now/stats/${encodeURIComponent(table)}`, table, params };
  }

  async function* list(table: string, listOptions: ListOptions): AsyncGenerator<RawRecord[]> {
    const pageSize = listOptions.pageSize ?? defaultPageSize;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1)
      throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
    const path = tablePath(table);
    const fields = fieldList(listOptions.fields, "sys_id");
    let cursor: string | undefined;
    let offset = 0;
    let page = 0;
    let emptyInARow = 0;

    for (;;) {
      page++;
      const params: Record<string, string> = {
        sysparm_query: buildKeysetQuery(listOptions.query, cursor),
        sysparm_fields: fields,
        sysparm_exclude_reference_link: "true",
        sysparm_suppress_pagination_header: "true",
        sysparm_limit: String(pageSize),
      };
      if (offset > 0) params.sysparm_offset = String(offset);
      const call: Call = { method: "GET", path, table, params };
      // Cursors are checked sys_ids, so they are safe to name in a message.
      const where = `page ${page} of ${table}${cursor === undefined ? "" : ` (rows after sys_id ${cursor})`}`;
      const { rows, answer, ctx } = await records(call, where);
      // Every row is checked before any is passed on: a scan must not act on half a bad page.
      const disorder = checkKeysetOrder(rows, cursor);
      if (disorder !== undefined)
        throw malformedError(ctx, answer.status, `${where} is malformed: ${disorder}`);
      // Rows matching this request's query, i.e. remaining after the cursor (hidden ones too).
      const total = parseInteger(answer.headers["x-total-count"]);

      if (rows.length > 0) {
        emptyInARow = 0;
        yield rows;
        // X-Total-Count covers rows from this offset on: nothing beyond this window → done.
        if (total !== undefined && total <= offset + pageSize) return;
        cursor = rows[rows.length - 1]?.sys_id as string;
        offset = 0;
        continue;
      }

      // An empty page. Without X-Total-Count it is the only end signal we have.
      if (total === undefined || total <= offset + pageSize) return;
      // sysparm_limit applies before ACLs: the whole window was hidden. Slide past it with the
      // same cursor until visible rows appear, but not for ever: an instance that keeps claiming
      // more rows and sending none would keep this loop (and the scan) going without end.
      emptyInARow++;
      if (emptyInARow > maxEmptyPages) {
        throw malformedError(
          ctx,
          answer.status,
          `${where} is malformed: ${emptyInARow} empty pages in a row while X-Total-Count still claims ${total} rows, so paging would never end (an ACL hiding more than ${maxEmptyPages * pageSize} rows in a row looks the same: raise SERVICENOW_PAGE_SIZE)`,
        );
      }
      offset += pageSize;
    }
  }

  return {
    list,

    async get(table, sysId, fields) {
      const path = `${tablePath(table)}/${encodeURIComponent(sysId)}`;
      const answer = await result(
        {
          method: "GET",
          path,
          table,
          params: { sysparm_fields: fieldList(fields), sysparm_exclude_reference_link: "true" },
        },
        true,
      );
      if (answer === undefined) return undefined;
      return isObject(answer.result) ? answer.result : undefined;
    },

    async findByField(table, field, value, fields) {
      const path = tablePath(table);
      if (!FIELD_NAME.test(field) || field.toLowerCase().startsWith("sysparm_")) {
        // A field named sysparm_query would turn the value into an encoded query.
        throw new SourceError(
          "E_SOURCE_BAD_REQUEST",
          `ServiceNow GET ${path} not sent: "${field}" is not a field name (letters, digits, _ and dot-walks; never sysparm_*).`,
          { method: "GET", url: path },
        );
      }
      const { rows } = await records(
        {
          method: "GET",
          path,
          table,
          params: {
            // A plain name=value parameter: ServiceNow matches it literally, so `^OR…` or `^NQ`
            // in the value cannot widen the query the way it would inside sysparm_query.
            [field]: value,
            // sys_id too: every record is checked to have one before it is used (readTableRecords).
            sysparm_fields: fieldList(fields, field, "sys_id"),
            sysparm_exclude_reference_link: "true",
            sysparm_suppress_pagination_header: "true",
            sysparm_limit: String(FIND_LIMIT),
          },
        },
        `the answer to the ${table} lookup by ${field}`,
      );
      // Defence in depth: keep exact matches only, whatever the instance did with the parameter.
      return rows.filter((row) => {
        const v = row[field];
        return typeof v === "string" ? v === value : isObject(v) && v.value === value;
      });
    },

    async aggregate(table, aggregateOptions: AggregateOptions): Promise<AggregateRow[]> {
      const call = aggregateCall(table, aggregateOptions);
      const answered = await json(call);
      // json() is undefined only for a tolerated 404, and none is tolerated here.
      const { body, answer, ctx } = answered as NonNullable<typeof answered>;
      const read = readAggregateResult(body);
      if (!read.ok)
        throw malformedError(ctx, answer.status, `the ${table} statistics are malformed: ${read.problem}`);
      return read.value;
    },

    async aggregateEach(table, aggregateOptions, onRow) {
      // The body is streamed: each group is passed on as it arrives, never held whole. A group
      // that is not an object is not passed on; the first such one fails the call once read.
      let index = 0;
      let problem: string | undefined;
      const call = {
        ...aggregateCall(table, aggregateOptions),
        onItem: (item: unknown) => {
          const bad = checkAggregateGroup(item, index++);
          if (bad !== undefined) problem ??= bad;
          else if (problem === undefined) onRow(toAggregateRow(item));
        },
      };
      const { answer, ctx } = await authorized(call);
      if (answer.status < 200 || answer.status >= 300) throw answerToSourceError(ctx, answer);
      const malformed = (what: string) =>
        malformedError(ctx, answer.status, `the ${table} statistics are malformed: ${what}`);
      if (problem !== undefined) throw malformed(problem);
      if (answer.streamed) return;
      // Not streamed: not JSON (an HTML page), or JSON of another shape, kept as text to say which.
      const read = readAggregateResult(parseJsonAnswer(ctx, answer));
      if (!read.ok) throw malformed(read.problem);
      for (const row of read.value) onRow(row);
    },

    async patch(table, sysId, values, fields) {
      const path = `${tablePath(table)}/${encodeURIComponent(sysId)}`;
      const answer = await result({
        method: "PATCH",
        path,
        table,
        params: { sysparm_fields: fieldList(fields), sysparm_exclude_reference_link: "true" },
        data: JSON.stringify(values),
        contentType: "application/json",
      });
      if (!isObject(answer?.result)) {
        throw new SourceError(
          "E_SOURCE_HTTP",
          `ServiceNow PATCH ${path} failed: the answer has no updated record.`,
          { status: answer?.answer.status, method: "PATCH", url: path },
        );
      }
      return answer.result;
    },

    get requestCount() {
      return requestCount;
    },
  };
}
