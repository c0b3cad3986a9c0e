import axios from "axios";
import { SourceError } from "../../errors.js";
import { type Logger, silentLogger } from "../../logger.js";
import type {
  AggregateOptions,
  AggregateRow,
  RawRecord,
  ServiceNowClient,
  ServiceNowClientOptions,
} from "./client-types.js";
import { fieldList } from "./field-list.js";
import type { HttpAnswer, RequestContext } from "./http-answer.js";
import { toAggregateRow } from "./normalize-aggregate.js";
import { createOAuthTokenProvider, type OAuthTokenProvider } from "./oauth-token-provider.js";
import { type PagingState, pageThrough } from "./page-through.js";
import { parseJsonAnswer } from "./parse-json-answer.js";
import { checkAggregateGroup, readAggregateResult } from "./read-aggregate-result.js";
import { readTableRecords } from "./read-table-records.js";
import { createRequestWithRetry, type SentRequest } from "./request-with-retry.js";
import { MAX_RETRY_AFTER_MS } from "./retry-delay.js";
import type { ServiceNowCall } from "./servicenow-call.js";
import { tablePath } from "./table-path.js";
import { answerToSourceError, malformedError } from "./to-source-error.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 4;
/**
 * ServiceNow's documented default (and, per a community thread, maximum) sysparm_limit
 * (https://www.servicenow.com/docs/r/zurich/api-reference/rest-apis/c_TableAPI.html): the fewest
 * requests per record set. An instance that refuses pages this big gets smaller ones (pageThrough).
 */
const DEFAULT_PAGE_SIZE = 10_000;
/**
 * Empty pages in a row `list` slides past before it calls the paging endless. An ACL hiding more
 * than this many whole windows in a row looks the same; a bigger page size gets past it.
 */
const DEFAULT_MAX_EMPTY_PAGES = 10;
/** `findByField` looks for one identity by name; a handful of rows is plenty. */
const FIND_LIMIT = 10;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";

/** Field names for findByField: a column or dot-walk, and never a sysparm_* control parameter. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The ServiceNow REST client: Table API and Aggregate API over axios, with Basic or OAuth
 * (client-credentials) auth, retries with backoff honouring Retry-After (createRequestWithRetry),
 * keyset paging that survives ACL-shortened pages (pageThrough), and errors that say what to do.
 */
export function createServiceNowClient(options: ServiceNowClientOptions): ServiceNowClient {
  const base = new URL(options.baseUrl);
  // Keep only origin + path: credentials in the URL would be sent along and end up in logs.
  const baseURL = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
  const host = base.host;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
  const paging: PagingState = { pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE };
  if (!Number.isSafeInteger(paging.pageSize) || paging.pageSize < 1)
    throw new RangeError(`pageSize must be a positive integer, got ${paging.pageSize}`);
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
  const send = createRequestWithRetry({
    http,
    authKind: auth.kind,
    host,
    timeoutMs,
    retries,
    maxRetryAfterMs,
    sleep,
    now,
    log,
    onAttempt: () => {
      requestCount++;
    },
  });

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
  async function authorized(call: ServiceNowCall): Promise<SentRequest> {
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
    call: ServiceNowCall,
    tolerate404 = false,
  ): Promise<{ body: unknown; answer: HttpAnswer; ctx: RequestContext } | undefined> {
    const { answer, ctx } = await authorized(call);
    if (answer.status === 404 && tolerate404) return undefined;
    if (answer.status < 200 || answer.status >= 300) throw answerToSourceError(ctx, answer);
    return { body: parseJsonAnswer(ctx, answer), answer, ctx };
  }

  /** The `result` member of a 2xx JSON answer; undefined for a tolerated 404; throws otherwise. */
  async function result(
    call: ServiceNowCall,
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

  /**
   * The records of a Table API answer, checked (readTableRecords); `where` names the request.
   * The body is streamed and parsed record by record as it arrives (a page of 10,000 rows parsed
   * in one JSON.parse held the event loop for 200–700 ms); the records are held until the page is
   * whole and checked, so a page cut off midway is simply asked again (restartItems).
   */
  async function records(
    call: ServiceNowCall,
    where: string,
  ): Promise<{ rows: RawRecord[]; answer: HttpAnswer; ctx: RequestContext }> {
    const items: unknown[] = [];
    const { answer, ctx } = await authorized({
      ...call,
      onItem: (item) => items.push(item),
      restartItems: () => {
        items.length = 0;
      },
    });
    if (answer.status < 200 || answer.status >= 300) throw answerToSourceError(ctx, answer);
    // Streamed: what the body was, rebuilt from its elements; otherwise read whole (an HTML page,
    // JSON of another shape or not JSON at all) for the same errors as any answer.
    const body = answer.streamed
      ? { result: answer.shape === "object" ? items[0] : items }
      : parseJsonAnswer(ctx, answer);
    const read = readTableRecords(body);
    if (!read.ok) throw malformedError(ctx, answer.status, `${where} is malformed: ${read.problem}`);
    return { rows: read.value, answer, ctx };
  }

  function aggregateCall(table: string, aggregateOptions: AggregateOptions): ServiceNowCall {
    const params: Record<string, string> = {};
    if (aggregateOptions.count) params.sysparm_count = "true";
    if (aggregateOptions.groupBy?.length) params.sysparm_group_by = aggregateOptions.groupBy.join(",");
    if (aggregateOptions.max?.length) params.sysparm_max_fields = aggregateOptions.max.join(",");
    if (aggregateOptions.min?.length) params.sysparm_min_fields = aggregateOptions.min.join(",");
    if (aggregateOptions.query) params.sysparm_query = aggregateOptions.query;
    return { method: "GET", path: `/api/now/stats/${encodeURIComponent(table)}`, table, params };
  }

  return {
    list: (table, listOptions) =>
      pageThrough(table, listOptions, { readRecords: records, paging, maxEmptyPages, log }),

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

    async create(table, values, fields) {
      const path = tablePath(table);
      const answer = await result({
        method: "POST",
        path,
        table,
        write: true,
        params: { sysparm_fields: fieldList(fields), sysparm_exclude_reference_link: "true" },
        data: JSON.stringify(values),
        contentType: "application/json",
      });
      if (!isObject(answer?.result)) {
        throw new SourceError(
          "E_SOURCE_MALFORMED",
          `ServiceNow POST ${path} answered without the created record; look in ${table} before trying again, one may have been created.`,
          { status: answer?.answer.status, method: "POST", url: path },
        );
      }
      return answer.result;
    },

    async remove(table, sysId) {
      const path = `${tablePath(table)}/${encodeURIComponent(sysId)}`;
      const { answer, ctx } = await authorized({ method: "DELETE", path, table, write: true });
      if (answer.status === 404) return false;
      if (answer.status < 200 || answer.status >= 300) throw answerToSourceError(ctx, answer);
      return true;
    },

    get requestCount() {
      return requestCount;
    },
  };
}
