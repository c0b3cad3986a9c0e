import { Agent } from "node:https";
import axios, { type AxiosInstance } from "axios";
import type { Logger } from "../../logger.js";
import { parseRetryAfter, retryDelay } from "../servicenow/retry-delay.js";
import { GraphError } from "./graph-error.js";

/** One HTTP answer: status, lower-case headers, the body as text. */
export interface GraphAnswer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface GraphRequest {
  method: "GET" | "POST" | "PATCH";
  /** Absolute URL (Graph's nextLinks are absolute; relative paths are resolved by the callers). */
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface GraphTransportOptions {
  /** PEM of extra CAs to trust (the simulated tenant's); verification stays on. */
  ca?: string | undefined;
  timeoutMs?: number;
  /** Retries of a transient failure (429, 5xx, network), default 4. */
  retries?: number;
  /** The longest Retry-After waited out, default 120 s; a longer one fails at once. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: Logger | undefined;
}

export interface GraphTransport {
  /** Sends one logical request, retrying transient failures; returns the final answer. */
  send(request: GraphRequest): Promise<GraphAnswer>;
  readonly requestCount: number;
}

/**
 * Graph asks for 429 to be retried after Retry-After and 5xx (503/504 "service unavailable",
 * "gateway timeout") with backoff (https://learn.microsoft.com/en-us/graph/throttling,
 * https://learn.microsoft.com/en-us/graph/best-practices-concept#handling-expected-errors).
 */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const NETWORK_RETRYABLE = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
]);

/** Path of a URL for messages: no host, no query (a nextLink's skiptoken is noise). */
export const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

export function createGraphTransport(options: GraphTransportOptions = {}): GraphTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 4;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const http: AxiosInstance = axios.create({
    httpsAgent: new Agent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) }),
    timeout: timeoutMs,
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
  });
  let requestCount = 0;

  return {
    get requestCount() {
      return requestCount;
    },
    async send(request) {
      const path = pathOf(request.url);
      // A write is repeated only when it certainly was not applied: 429 answers before handling.
      const isWrite = request.method !== "GET" && !request.url.includes("/oauth2/");
      for (let attempt = 0; ; attempt++) {
        requestCount++;
        let answer: GraphAnswer;
        try {
          const response = await http.request<string>({
            method: request.method,
            url: request.url,
            headers: request.headers ?? {},
            ...(request.body !== undefined ? { data: request.body } : {}),
          });
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(response.headers ?? {})) {
            headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v == null ? undefined : String(v);
          }
          answer = {
            status: response.status,
            headers,
            body: typeof response.data === "string" ? response.data : "",
          };
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          const retry =
            !isWrite && attempt < retries && typeof code === "string" && NETWORK_RETRYABLE.has(code);
          options.log?.debug({ method: request.method, path, error: code, attempt }, "graph request");
          if (retry) {
            await sleep(retryDelay(attempt, undefined, now()));
            continue;
          }
          const timedOut = code === "ECONNABORTED" || code === "ETIMEDOUT";
          throw new GraphError(
            timedOut ? "E_SOURCE_TIMEOUT" : "E_SOURCE_UNAVAILABLE",
            `Entra ${request.method} ${path} failed: ${timedOut ? `no answer within ${timeoutMs} ms` : `${String(code ?? "network error")} ${(error as Error).message ?? ""}`.trim()}.`,
            { method: request.method, url: path, cause: error },
          );
        }
        const retryable = isWrite ? answer.status === 429 : RETRYABLE.has(answer.status);
        options.log?.debug({ method: request.method, path, status: answer.status, attempt }, "graph request");
        if (!retryable || attempt >= retries) return answer;
        const askedMs = parseRetryAfter(answer.headers["retry-after"], now());
        if (askedMs !== undefined && askedMs > maxRetryAfterMs) {
          throw new GraphError(
            "E_SOURCE_RETRY_TOO_LONG",
            `Entra ${request.method} ${path} failed: ${answer.status}, and Graph asks to wait ${Math.ceil(askedMs / 1000)} s (Retry-After), longer than the ${Math.round(maxRetryAfterMs / 1000)} s warden waits. Run the scan again later.`,
            { status: answer.status, method: request.method, url: path },
          );
        }
        // Retry-After (seconds, possibly fractional such as 2.128) wins over the backoff.
        const fractional = Number(answer.headers["retry-after"]);
        const waitMs =
          Number.isFinite(fractional) && fractional >= 0
            ? Math.min(Math.ceil(fractional * 1000), maxRetryAfterMs)
            : retryDelay(attempt, answer.headers["retry-after"], now(), maxRetryAfterMs);
        await sleep(waitMs);
      }
    },
  };
}
