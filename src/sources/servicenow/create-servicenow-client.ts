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
import { normalizeAggregate, toAggregateRow } from "./normalize-aggregate.js";
import { createOAuthTokenProvider, type OAuthTokenProvider } from "./oauth-token-provider.js";
import { parseJsonAnswer } from "./parse-json-answer.js";
import { parseInteger, refValue } from "./parse-values.js";
import { readStreamedAnswer, StreamReadError } from "./read-streamed-answer.js";
import { retryDelay } from "./retry-delay.js";
import { answerToSourceError, notJsonError, transportToSourceError } from "./to-source-error.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 4;
const DEFAULT_PAGE_SIZE = 1000;
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
      const retry =
        attempt < retries &&
        (call.method === "PATCH" ? answer.status === 429 : RETRYABLE_STATUSES.has(answer.status));
      const waitMs = retry ? retryDelay(attempt, answer.headers["retry-after"], now()) : undefined;
      log.debug(
        { method: call.method, path: call.path, status: answer.status, ms, attempt, retryInMs: waitMs },
        "servicenow request",
      );
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

  /** The `result` member of a 2xx JSON answer; undefined for a tolerated 404; throws otherwise. */
  async function result(
    call: Call,
    tolerate404 = false,
  ): Promise<{ result: unknown; answer: HttpAnswer } | undefined> {
    const { answer, ctx } = await authorized(call);
    if (answer.status === 404 && tolerate404) return undefined;
    if (answer.status < 200 || answer.status >= 300) throw answerToSourceError(ctx, answer);
    const json = parseJsonAnswer(ctx, answer);
    if (!isObject(json) || !("result" in json)) {
      throw new SourceError(
        "E_SOURCE_HTTP",
        `ServiceNow ${call.method} ${call.path} failed: ${answer.status} with JSON that has no "result" member. Check that the instance URL points at the instance itself, not a proxy or portal.`,
        { status: answer.status, method: call.method, url: call.path },
      );
    }
    return { result: json.result, answer };
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

    for (;;) {
      const params: Record<string, string> = {
        sysparm_query: buildKeysetQuery(listOptions.query, cursor),
        sysparm_fields: fields,
        sysparm_exclude_reference_link: "true",
        sysparm_suppress_pagination_header: "true",
        sysparm_limit: String(pageSize),
      };
      if (offset > 0) params.sysparm_offset = String(offset);
      const page = await result({ method: "GET", path, table, params });
      const rows = Array.isArray(page?.result) ? page.result.filter(isObject) : [];
      // Rows matching this request's query, i.e. remaining after the cursor (hidden ones too).
      const total = parseInteger(page?.answer.headers["x-total-count"]);

      if (rows.length > 0) {
        yield rows;
        const last = refValue(rows[rows.length - 1]?.sys_id);
        if (last === undefined || last === cursor) {
          // Without a readable, advancing sys_id the next page would repeat this one forever.
          throw new SourceError(
            "E_SOURCE_HTTP",
            `ServiceNow GET ${path} failed: paging stopped because the rows' sys_id ${last === undefined ? "is missing" : "did not advance"}. The instance ignored the keyset condition or an ACL hides sys_id on ${table}.`,
            { status: page?.answer.status, method: "GET", url: path },
          );
        }
        // X-Total-Count covers rows from this offset on: nothing beyond this window → done.
        if (total !== undefined && total <= offset + pageSize) return;
        cursor = last;
        offset = 0;
        continue;
      }

      // An empty page. Without X-Total-Count it is the only end signal we have.
      if (total === undefined || total <= offset + pageSize) return;
      // sysparm_limit applies before ACLs: the whole window was hidden. Slide past it with the
      // same cursor until visible rows appear.
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
      const page = await result({
        method: "GET",
        path,
        table,
        params: {
          // A plain name=value parameter: ServiceNow matches it literally, so `^OR…` or `^NQ`
          // in the value cannot widen the query the way it would inside sysparm_query.
          [field]: value,
          sysparm_fields: fieldList(fields, field),
          sysparm_exclude_reference_link: "true",
          sysparm_suppress_pagination_header: "true",
          sysparm_limit: String(FIND_LIMIT),
        },
      });
      const rows = Array.isArray(page?.result) ? page.result.filter(isObject) : [];
      // Defence in depth: keep exact matches only, whatever the instance did with the parameter.
      return rows.filter((row) => {
        const v = row[field];
        return typeof v === "string" ? v === value : isObject(v) && v.value === value;
      });
    },

    async aggregate(table, aggregateOptions: AggregateOptions): Promise<AggregateRow[]> {
      const answer = await result(aggregateCall(table, aggregateOptions));
      return normalizeAggregate(answer?.result);
    },

    async aggregateEach(table, aggregateOptions, onRow) {
      // The body is streamed: each group is passed on as it arrives, never held whole.
      const call = {
        ...aggregateCall(table, aggregateOptions),
        onItem: (item: unknown) => onRow(toAggregateRow(item)),
      };
      const { answer, ctx } = await authorized(call);
      if (answer.status < 200 || answer.status >= 300) throw answerToSourceError(ctx, answer);
      if (answer.streamed) return;
      if (/\bjson\b/i.test(answer.headers["content-type"] ?? "")) {
        throw new SourceError(
          "E_SOURCE_HTTP",
          `ServiceNow GET ${call.path} failed: ${answer.status} with JSON that has no "result" member. Check that the instance URL points at the instance itself, not a proxy or portal.`,
          { status: answer.status, method: "GET", url: call.path },
        );
      }
      throw notJsonError(ctx, answer, "Content-Type is not JSON");
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
