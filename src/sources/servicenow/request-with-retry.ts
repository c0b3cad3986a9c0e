import type { Readable } from "node:stream";
import type { AxiosInstance, AxiosResponse } from "axios";
import type { Logger } from "../../logger.js";
import type { HttpAnswer, RequestContext } from "./http-answer.js";
import { readStreamedAnswer, type StreamedAnswer, StreamReadError } from "./read-streamed-answer.js";
import { parseRetryAfter, retryDelay } from "./retry-delay.js";
import type { ServiceNowCall } from "./servicenow-call.js";
import { retryAfterTooLongError, transportToSourceError } from "./to-source-error.js";

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

/** What one logical request came back with, and the context its errors are reported in. */
export interface SentRequest {
  answer: HttpAnswer & Partial<Pick<StreamedAnswer, "streamed" | "shape">>;
  ctx: RequestContext;
}

/** Sends `call` with the given Authorization header (none for the token request). */
export type RequestWithRetry = (
  call: ServiceNowCall,
  authorization: string | undefined,
) => Promise<SentRequest>;

export interface RequestWithRetrySettings {
  http: AxiosInstance;
  authKind: RequestContext["authKind"];
  host: string;
  timeoutMs: number;
  retries: number;
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  log: Logger;
  /** Called once per HTTP attempt, retries included (the client's requestCount). */
  onAttempt: () => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";

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
 * The client's retry policy: one logical request, every HTTP attempt counted and logged, retried
 * on transient failures with backoff honouring Retry-After (see retryDelay).
 *
 * A write (PATCH, or a call marked `write`: a record's POST or DELETE, a ticket's POST) is sent
 * again only when it certainly did not reach the instance: a refused connection, or a 429 (the
 * rate limiter answers before the request is handled). After a timeout, a reset or a 5xx it may
 * have been applied, so the caller re-reads the record instead (a PATCH), or reports that it may
 * exist (a ticket: sent twice, it would open two).
 */
export function createRequestWithRetry(settings: RequestWithRetrySettings): RequestWithRetry {
  const { http, authKind, host, timeoutMs, retries, maxRetryAfterMs, sleep, now, log, onAttempt } = settings;

  return async function requestWithRetry(call, authorization) {
    const isWrite = call.method === "PATCH" || call.write === true;
    const ctx: RequestContext = {
      method: call.method,
      path: call.path,
      table: call.table,
      authKind,
      attempts: 0,
      timeoutMs,
      host,
    };
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers.Authorization = authorization;
    if (call.contentType !== undefined) headers["Content-Type"] = call.contentType;

    for (let attempt = 0; ; attempt++) {
      onAttempt();
      ctx.attempts = attempt + 1;
      const started = performance.now();
      let answer: HttpAnswer & Partial<Pick<StreamedAnswer, "streamed" | "shape">>;
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
        const code = isObject(error) && typeof error.code === "string" ? error.code : undefined;
        const ms = Math.round(performance.now() - started);
        // Elements already passed on cannot be taken back: such a call is not retried, unless
        // its caller drops them (restartItems) before the next attempt.
        const replayable =
          call.restartItems !== undefined || !(error instanceof StreamReadError && error.itemsPassedOn);
        const retry =
          replayable &&
          attempt < retries &&
          code !== undefined &&
          (isWrite ? code === "ECONNREFUSED" : RETRYABLE_NETWORK_CODES.has(code));
        const waitMs = retry ? retryDelay(attempt, undefined, now()) : undefined;
        log.debug(
          { method: call.method, path: call.path, error: code, ms, attempt, retryInMs: waitMs },
          "servicenow request",
        );
        if (waitMs === undefined) throw transportToSourceError(ctx, error);
        await sleep(waitMs);
        call.restartItems?.();
        continue;
      }
      const ms = Math.round(performance.now() - started);
      const retryable = isWrite ? answer.status === 429 : RETRYABLE_STATUSES.has(answer.status);
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
  };
}
