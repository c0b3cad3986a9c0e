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
  /** Stream the body: each element of a 2xx `result` goes here as it arrives (see aggregateEach). */
  onItem?: (item: unknown) => void;
}
