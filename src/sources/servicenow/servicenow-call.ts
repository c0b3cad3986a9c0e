/** The HTTP methods warden sends to ServiceNow: reads, the OAuth token request, and writes. */
export type ServiceNowMethod = "GET" | "POST" | "PATCH";

/** One logical request to the instance, before credentials are added and retries are made. */
export interface ServiceNowCall {
  method: ServiceNowMethod;
  path: string;
  table?: string;
  params?: Record<string, string>;
  /** Already serialised body (JSON or form). */
  data?: string;
  contentType?: string;
  /**
   * Sent at most once (a POST that creates a record): retried only when it certainly did not
   * reach the instance (a refused connection, a 429), as a PATCH is. After a timeout, a reset or a
   * 5xx the record may exist already, and sending the POST again would create a second one.
   */
  once?: boolean;
  /** Stream the body: each element of a 2xx `result` goes here as it arrives (see aggregateEach). */
  onItem?: (item: unknown) => void;
  /**
   * With onItem: the caller holds the elements until the answer is whole (a Table API page), so
   * an attempt cut off midway may be retried; this is called before each retry to drop what the
   * failed attempt passed on. Without it, elements already passed on cannot be taken back and
   * such an attempt is not retried.
   */
  restartItems?: () => void;
}
