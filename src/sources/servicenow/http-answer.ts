/** One HTTP answer as the client keeps it: status, lower-case headers, the body as text. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string | undefined>;
  body: string;
}

/** What an error message needs to know about the request that failed. Never holds secrets. */
export interface RequestContext {
  method: string;
  /** URL path only (no query string, no host), e.g. `/api/now/table/sys_user`. */
  path: string;
  /** The table the request reads or writes, when there is one. */
  table?: string | undefined;
  authKind: "basic" | "oauth";
  /** HTTP requests made for this call, retries included. */
  attempts: number;
  timeoutMs: number;
  /** Host of the instance, for network errors (no credentials, no path). */
  host: string;
}
